"""Phone numbers take the ASCII digits 0-9 only (issue 12, item 8): the issue's `+7, double-struck 1, 3,
Arabic-Indic 4, 7203` used to pass as E.164 because phonenumbers, str.isdigit and a regex digit class all read
Unicode digits. Every number check goes through normalize_number. Lookalikes are written as escapes here."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api import errors
from api.models import Destination, normalize_number
from api.models.common import digits, number_key
from tests.api.conftest import reply

VALID = "+46708168731"
ISSUE_EXAMPLE = "+7\U0001d7d93\u06647203"
"""+7, MATHEMATICAL DOUBLE-STRUCK DIGIT ONE, 3, ARABIC-INDIC DIGIT FOUR, 7203: passed as E.164 before."""
UNICODE_DIGITS = sorted({chr(c) for c in range(sys.maxunicode + 1)
                         if (chr(c).isdigit() or chr(c).isnumeric()) and not "0" <= chr(c) <= "9"})
"""Every character Python calls a digit or numeric, except 0-9: Arabic-Indic, Devanagari, full-width,
mathematical bold, superscripts, fractions, CJK numerals..."""


def test_the_issue_example_is_refused():
    with pytest.raises(ValueError, match="0-9"):
        normalize_number(ISSUE_EXAMPLE)


ARABIC_INDIC = "+46 70 \u0661\u0662\u0663 45 67"
FULL_WIDTH = "+" + "".join(chr(0xFF10 + int(d)) for d in "46708168731")
FULL_WIDTH_PLUS = "\uff0b46708168731"
MATH_BOLD_ONE = "+4670816873\U0001d7cf"


@pytest.mark.parametrize("number", [ARABIC_INDIC, FULL_WIDTH, FULL_WIDTH_PLUS, MATH_BOLD_ONE, "+1-800-FLOWERS",
                                    "+46708168731 ext 5"])
def test_lookalike_digits_letters_and_extensions_are_refused(number):
    with pytest.raises(ValueError):
        normalize_number(number)


@pytest.mark.parametrize("number", ["+46 70 816 87 31", "0046 (0)70-816 87 31", "46708168731", "+46\u00a0708168731",
                                    "+46\u2013708\u2013168731", "+46.70.816.87.31"])
def test_ascii_digits_with_separators_still_pass(number):
    assert normalize_number(number) == VALID


def test_every_unicode_digit_is_refused_in_every_position():
    assert len(UNICODE_DIGITS) > 1000
    for index, digit in enumerate(UNICODE_DIGITS):
        position = 1 + index % (len(VALID) - 1)
        with pytest.raises(ValueError):
            normalize_number(VALID[:position] + digit + VALID[position + 1:])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=7, max_size=7), st.sampled_from(UNICODE_DIGITS),
       st.integers(0, 7))
def test_one_unicode_digit_anywhere_in_a_valid_number_is_refused(tail, digit, position):
    number = "+4670" + tail[:position] + digit + tail[position:]
    with pytest.raises(ValueError):
        normalize_number(number)


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=20))
def test_whatever_is_accepted_is_plus_and_ascii_digits(text):
    try:
        number = normalize_number(text)
    except ValueError:
        return
    assert number.startswith("+") and number[1:].isascii() and number[1:].isdigit()


def test_digits_and_keys_see_ascii_digits_only():
    assert digits("+7\U0001d7d93\u06647") == "737"
    assert number_key("+46 \u06670 816") == "+46" + "0816"


def test_the_request_model_refuses_it():
    with pytest.raises(ValueError):
        Destination(type="number", endpoint=ISSUE_EXAMPLE)


async def test_the_client_refuses_it_before_sending(make_client):
    client, rec = make_client(reply(200, {"callId": "x"}))
    with pytest.raises(errors.InvalidArgumentError) as caught:
        await client.callouts.tts(ISSUE_EXAMPLE, text="hello")
    assert caught.value.field == "destination" and rec.sent == []
    with pytest.raises(errors.InvalidArgumentError):
        await client.query_number(FULL_WIDTH)
