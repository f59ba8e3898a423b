"""A rule matching `custom` still matches when the console's correlation tag leads it ("sc-…|vip"): every callout
the console places is tagged (api.models.correlation; issue 12, item 4)."""

from __future__ import annotations

import json

from relay_helpers import ace

from api.models.events import parse_callback_event
from relay import Rules

RULES = """
[[rule]]
event = "ace"
custom = "vip"
action = "hangup"
"""


def _rule(document: dict) -> str:
    return Rules.parse(RULES, source="rules.toml").answer("ace", parse_callback_event(json.dumps(document))).rule


def test_a_tagged_custom_matches_on_the_text_after_the_tag() -> None:
    assert not _rule(ace(custom="sc-0123456789ab|vip")).startswith("default")
    assert not _rule(ace(custom="vip")).startswith("default")


def test_other_text_or_a_bare_tag_does_not_match() -> None:
    for custom in ("sc-0123456789ab|regular", "sc-0123456789ab", "xx-0123456789ab|vip", "vip|sc-0123456789ab"):
        assert _rule(ace(custom=custom)).startswith("default"), custom
