"""The Callouts screen's composed parts on their own: the destination preview and dial-in many, with a fake host.

What they decide (what to look up, what the dial-in form says, which legs a retry places) is tested as plain
functions; the parts themselves run in a bare app with a fake host, so no screen, session or sandbox is needed.
"""

from __future__ import annotations

from types import SimpleNamespace

from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static, TextArea
from waiting import eventually

from api.models import NumberInfo
from api.models.common import Money
from console.callouts import Endpoint, Leg, NumberPreview
from console.screens.callout_dial_in import DialInPart, check_dial_in, leg_row, legs_to_retry
from console.screens.callout_preview import NOTHING_TYPED, DestinationPreview, nothing_to_look_up, preview_text

NUMBER = Endpoint("number", "+46708168731", "SE", "Sweden")

# ---- the preview, as functions -------------------------------------------------------------------------


def test_only_a_number_is_looked_up() -> None:
    assert nothing_to_look_up(None) == NOTHING_TYPED
    assert nothing_to_look_up(Endpoint("username", "alice")) == "Preview: app users have no rate"
    assert nothing_to_look_up(NUMBER) is None


def test_a_restricted_number_is_shown_in_bold_red() -> None:
    text = preview_text(NumberPreview("+46708168731", "SE", "Mobile", "+46708168731", "0.0368 USD/min",
                                      restricted=True))
    assert "Rate       0.0368 USD/min" in text.plain
    restricted = [span for span in text.spans if text.plain[span.start:span.end].startswith("YES")]
    assert [span.style for span in restricted] == ["bold red"]


# ---- dial-in many, as functions --------------------------------------------------------------------------


def test_dial_in_names_the_first_problem_of_the_form_before_the_numbers() -> None:
    _, shown = check_dial_in([], [], conference_id="")
    assert list(shown) == ["conference_id", "numbers"]
    assert shown["numbers"] == "Numbers: paste numbers or pick them from the address book"


def test_dial_in_quotes_at_most_three_unreadable_numbers() -> None:
    _, shown = check_dial_in(["+46708168731"], ["a", "b", "c", "d"], conference_id="standup")
    assert shown == {"numbers": "Numbers: a; b; c"}


def test_a_sound_dial_in_is_a_conference_callout_of_its_first_number() -> None:
    checked, shown = check_dial_in(["+46708168731", "+46708160000"], [], conference_id="standup", cli="+46812345678")
    assert shown == {}
    assert checked.plan is not None and checked.plan.conference_id == "standup"
    assert checked.plan.destination == "+46708168731"


def test_a_retry_places_the_selected_failed_leg_or_every_failed_one() -> None:
    legs = [Leg("+1", "failed"), Leg("+2", "joined"), Leg("+3", "failed"), Leg("+4", "unknown")]
    assert legs_to_retry(legs, "+3") == ["+3"]
    assert legs_to_retry(legs, "+2") == ["+1", "+3"]  # the selected one did not fail: all that did
    assert legs_to_retry(legs, None) == ["+1", "+3"]
    assert legs_to_retry([Leg("+4", "unknown")], "+4") == []  # an unknown outcome is never placed again


def test_a_leg_row_colours_its_status() -> None:
    number, status, call_id, reason = leg_row(Leg("+1", "failed", None, "busy"))
    assert (number.plain, status.plain, call_id.plain, reason.plain) == ("+1", "failed", "", "busy")
    assert status.style == "bold red"
    assert leg_row(Leg("+1", "placed", "c1"))[1].style == ""


# ---- the parts in a bare app with a fake host -------------------------------------------------------------


class FakeClient:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def query_number(self, number: str) -> NumberInfo:
        self.asked.append(number)
        return NumberInfo(country_id="SE", number_type="Mobile", normalized_number=number,
                          rate=Money(currency_id="USD", amount=0.0368))


class FakeHost:
    """Stands in for CalloutsScreen: a session with a client and an address book, a status line, no sending."""

    def __init__(self) -> None:
        self.client = FakeClient()
        profile = SimpleNamespace(address_book={})
        self.session = SimpleNamespace(backend=SimpleNamespace(client=self.client),
                                       resolved=SimpleNamespace(profile=profile))
        self.endpoint: Endpoint | None = None
        self.kind = "dialin"
        self.revalidated = 0
        self.statuses: list[str] = []

    def destination(self) -> Endpoint | None:
        return self.endpoint

    def revalidate(self) -> None:
        self.revalidated += 1

    def status(self, text: str, *, error: bool = False) -> None:
        self.statuses.append(text)


class PartApp(App[None]):
    def __init__(self, part: Widget) -> None:
        super().__init__()
        self.part = part

    def compose(self) -> ComposeResult:
        yield self.part


async def test_the_preview_looks_a_settled_number_up_once() -> None:
    host = FakeHost()
    host.endpoint = NUMBER
    part = DestinationPreview(host, id="preview")  # type: ignore[arg-type]
    async with PartApp(part).run_test() as pilot:
        for _ in range(3):  # typing: each change restarts the wait
            part.settle()
        await eventually(lambda: part.preview is not None and host.revalidated, pilot)
        assert host.client.asked == ["+46708168731"]
        assert part.preview is not None and part.preview.rate == "0.0368 USD/min"
        assert "Rate" in str(part.render())
        part._look_up()  # the same number settles again: the preview it has is kept, nothing asked
        assert part.preview is not None and host.client.asked == ["+46708168731"]
        host.endpoint = Endpoint("username", "alice")
        part.settle()
        await eventually(lambda: part.preview is None and "app users" in str(part.render()), pilot)
        assert host.client.asked == ["+46708168731"]


async def test_the_dial_in_form_says_when_its_numbers_are_ready() -> None:
    host = FakeHost()
    part = DialInPart(host)  # type: ignore[arg-type]
    async with PartApp(part).run_test() as pilot:
        assert part.check() == "Conference id: a conference id is required"
        numbers_msg = part.query_one("#dial-numbers-msg", Static)
        assert "paste numbers" in str(numbers_msg.render()) and not numbers_msg.has_class("ok")
        part.query_one("#dial-conference_id", Input).value = "standup"
        part.query_one("#dial-numbers", TextArea).text = "+46708168731, 46708160000"
        await pilot.pause()
        assert part.check() is None
        assert str(numbers_msg.render()) == "2 numbers ready" and numbers_msg.has_class("ok")
        assert [str(c.label) for c in part.query_one("#legs", DataTable).columns.values()] == [
            "Number", "Status", "Call id", "Reason"]
        host.kind = "tts"
        part.action_retry()  # another form is shown (and nothing was placed): r does nothing
        assert host.statuses == []
