"""The country-name table says what phonenumbers' geocoder says, without loading its ~100 MB of place names."""

from __future__ import annotations

import subprocess
import sys

import phonenumbers

from console.callouts.country_names import NAMES, country_name
from console.callouts.fields import check_number


def test_the_table_matches_phonenumbers_for_every_region() -> None:
    from phonenumbers.geocoder import _region_display_name  # the slow import, once, here only

    for region in phonenumbers.SUPPORTED_REGIONS:
        assert country_name(region) == _region_display_name(region, "en"), region
    assert set(NAMES) >= set(phonenumbers.SUPPORTED_REGIONS) - {"AC", "TA", "XK"}  # those three have no name


def test_a_number_gets_its_country_name_as_the_geocoder_gave_it() -> None:
    from phonenumbers import geocoder

    for number in ("+46708168731", "+14155550100", "+442079460958", "+33123456789", "+97143666666", "+4930901820"):
        parsed = phonenumbers.parse(number, None)
        endpoint = check_number(number)
        assert endpoint.country_name == (geocoder.country_name_for_number(parsed, "en") or endpoint.country)
    assert check_number("+46708168731").country_name == "Sweden"


def test_checking_a_number_never_loads_the_geocoder() -> None:
    code = ("import sys; from console.callouts.fields import check_number; check_number('+46708168731'); "
            "print(any(name.startswith('phonenumbers.geo') for name in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
