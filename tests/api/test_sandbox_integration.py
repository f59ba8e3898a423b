"""Every client operation against the real sandbox in process (httpx.ASGITransport), asserting on its state.

16 endpoints, 18 operations (callouts in three kinds), plus auth failure, faults and retries end to end.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from api import SinchVoiceClient, errors
from api.retry import RetryPolicy

sandbox = pytest.importorskip("sandbox")
if not hasattr(sandbox, "create_app"):  # pragma: no cover - the sandbox is built in parallel
    pytest.skip("sandbox.create_app is not available yet", allow_module_level=True)

KEY, SECRET = sandbox.DEMO_APPLICATION_KEY, sandbox.DEMO_APPLICATION_SECRET
ROOM = "standup"
CALLER = "+46708168731"


class NoSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def app():
    return sandbox.create_app(scenario="empty", seed=7, clock=sandbox.Clock.manual(), ring_seconds=2.0)


@pytest.fixture
def sb(app):
    return app.state.sandbox


@pytest.fixture
def sleeps() -> NoSleep:
    return NoSleep()


@pytest.fixture
async def client(app, sleeps):
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    async with SinchVoiceClient(KEY, SECRET, base_url="http://sandbox.test", http_client=http,
                                retry_policy=RetryPolicy(sleep=sleeps)) as voice:
        yield voice
    await http.aclose()


@pytest.fixture
def participant(sb) -> str:
    return sb.dial_in(ROOM, CALLER).call_id


async def test_conference_get(client, participant):
    conference = await client.conferences.get(ROOM)
    assert [(p.call_id, p.cli, p.muted) for p in conference.participants] == [(participant, CALLER, False)]


async def test_conference_mute(client, sb, participant):
    await client.conferences.mute(ROOM, participant)
    assert sb.participant(ROOM, participant).muted is True


async def test_conference_unmute(client, sb, participant):
    sb.command(ROOM, participant, "mute")
    await client.conferences.unmute(ROOM, participant)
    assert sb.participant(ROOM, participant).muted is False


async def test_conference_kick(client, sb, participant):
    other = sb.dial_in(ROOM, "+46708425201").call_id
    await client.conferences.kick(ROOM, participant)
    assert sb.calls[participant].is_final and sb.calls[participant].reason == "MANAGERHANGUP"
    assert list(sb.conference(ROOM).participants) == [other]


async def test_conference_kick_all(client, sb, participant):
    sb.dial_in(ROOM, "+46708425201")
    await client.conferences.kick_all(ROOM)
    assert ROOM not in sb.conferences
    with pytest.raises(errors.NotFoundError) as caught:
        await client.conferences.get(ROOM)
    assert caught.value.error_code == 40400


async def test_tts_callout(client, sb):
    call_id = await client.callouts.tts(CALLER, text="Your order has shipped", cli="+46000000000")
    call = sb.calls[call_id]
    assert (call.kind, call.to["endpoint"], call.cli) == ("tts", CALLER, "+46000000000")


async def test_conference_callout_joins_when_answered(client, sb):
    call_id = await client.callouts.conference(CALLER, conference_id="board-room", greeting="Welcome")
    assert sb.calls[call_id].kind == "conference"
    sb.advance(5)
    assert call_id in sb.conference("board-room").participants


async def test_custom_callout(client, sb):
    ice = {"action": {"name": "connectPstn", "number": CALLER}}
    call_id = await client.callouts.custom(CALLER, cli="+46000000000", ice=ice, ace="https://example.com/ace")
    assert sb.calls[call_id].kind == "custom"


async def test_call_get(client, sb, participant):
    result = await client.calls.get(participant)
    assert (result.call_id, result.status) == (participant, "ONGOING")
    sb.advance(30)
    assert (await client.calls.get(participant)).duration == 30


async def test_call_manage_hangup(client, sb, participant):
    await client.calls.manage(participant, instructions=[{"name": "say", "text": "Goodbye"}],
                              action={"name": "hangup"})
    sb.advance(10)
    assert sb.calls[participant].is_final


async def test_call_manage_with_call_leg(client, sb, participant):
    await client.calls.manage(participant, action={"name": "hangup"}, call_leg="both")
    sb.advance(10)
    assert sb.calls[participant].is_final


async def test_recordings_list(client, sb):
    rec = sb.add_recording("call-1", sb.now(), seconds=2)
    listed = await client.recordings.list(start=sb.now() - timedelta(hours=1), end=sb.now() + timedelta(hours=1))
    assert [r.key for r in listed] == [rec.key]


async def test_recordings_download(client, sb, tmp_path):
    rec = sb.add_recording("call-1", sb.now(), seconds=2)
    progress: list[tuple[int, int | None]] = []
    path = await client.recordings.download(rec.key, tmp_path, on_progress=lambda d, t: progress.append((d, t)))
    assert path.parent == tmp_path and path.suffix == ".wav"
    assert path.read_bytes() == b"".join(sb.recordings.stream(rec))
    assert progress[-1] == (sb.recordings.size(rec), sb.recordings.size(rec))


async def test_recordings_delete(client, sb):
    rec = sb.add_recording("call-1", sb.now(), seconds=2)
    await client.recordings.delete(rec.key)
    with pytest.raises(errors.NotFoundError):
        await client.recordings.delete(rec.key)
    assert sb.recordings.page(start=None, end=None, page=1, size=100) == []


async def test_numbers_list(client, sb):
    sb.numbers.own("+46101234567", "voice", KEY)
    sb.numbers.own("+46107654321", "sms")
    numbers = {n.number: n.application_key for n in await client.numbers.list()}
    assert numbers.items() >= {"+46101234567": KEY, "+46107654321": None}.items()
    assert len(numbers) == len(sb.numbers.items)


async def test_numbers_assign(client, sb):
    sb.numbers.own("+46101234567", "voice")
    await client.numbers.assign(["+46101234567"], capability="voice")
    assert sb.numbers.items["+46101234567"].application_key == KEY


async def test_numbers_unassign(client, sb):
    sb.numbers.own("+46101234567", "voice", KEY)
    await client.numbers.unassign("+46101234567")
    assert sb.numbers.items["+46101234567"].application_key is None


async def test_callbacks_get_and_update(client, sb):
    await client.callbacks.update(primary="https://primary.example/cb", fallback="https://fallback.example/cb")
    assert sb.callbacks.get(KEY) == {"primary": "https://primary.example/cb",
                                     "fallback": "https://fallback.example/cb"}
    urls = await client.callbacks.get()
    assert (urls.primary, urls.fallback) == ("https://primary.example/cb", "https://fallback.example/cb")


async def test_query_number(client):
    info = await client.query_number("+46(0)73-017-0101")
    assert info.normalized_number == "+46730170101" and info.country_id == "SE"


# ---- failures end to end ------------------------------------------------------------------------------


async def test_wrong_secret_is_authentication_error(app):
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    async with SinchVoiceClient(KEY, "d3Jvbmctc2VjcmV0", base_url="http://sandbox.test", http_client=http) as bad:
        with pytest.raises(errors.AuthenticationError) as caught:
            await bad.numbers.list()
    assert caught.value.error_code == 40108
    await http.aclose()


async def test_basic_auth_accepted(app, sb):
    sb.numbers.own("+46101234567", "voice")
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    async with SinchVoiceClient(KEY, SECRET, base_url="http://sandbox.test", http_client=http, auth="basic") as c:
        assert "+46101234567" in [n.number for n in await c.numbers.list()]
    await http.aclose()


async def test_hostile_ids_are_escaped_on_the_wire(client, sb, participant):
    with pytest.raises(errors.APIError):
        await client.conferences.get(f"{ROOM}/{participant}")
    assert client.trace[-1].path == f"/calling/v1/conferences/id/{ROOM}%2F{participant}"


async def test_hostile_ids_are_not_routed(client, sb, participant):
    """`standup/<callId>` as a conference id must not become the kick-one-participant path."""
    with pytest.raises(errors.APIError):
        await client.conferences.kick_all(f"{ROOM}/{participant}")
    assert not sb.calls[participant].is_final


async def test_fault_503_then_success_on_get(client, app, sb, participant, sleeps):
    app.state.faults.add("f1", {"kind": "status", "status": 503, "count": 2, "path": "/calling/v1/conferences"})
    assert len((await client.conferences.get(ROOM)).participants) == 1
    assert len(sleeps.calls) == 2


async def test_fault_500_on_callout_not_retried(client, app, sb):
    app.state.faults.add("f1", {"kind": "status", "status": 500, "count": 1, "path": "/calling/v1/callouts"})
    with pytest.raises(errors.ServerError):
        await client.callouts.tts(CALLER, text="hello")
    assert sb.calls == {}
    await client.callouts.tts(CALLER, text="hello")
    assert len(sb.calls) == 1


async def test_rate_limit_fault_on_callout_retried_after_retry_after(client, app, sb, sleeps):
    app.state.faults.add("f1", {"kind": "rate_limit", "retry_after": 2, "count": 1, "path": "/calling/v1/callouts"})
    await client.callouts.tts(CALLER, text="hello")
    assert len(sb.calls) == 1 and sleeps.calls == [2.0]


async def test_dropped_connection_on_get_is_retried(client, app, participant):
    app.state.faults.add("f1", {"kind": "drop", "count": 1, "path": "/calling/v1/conferences"})
    assert len((await client.conferences.get(ROOM)).participants) == 1


async def test_recordings_list_validation_matches_sandbox(client):
    now = datetime.now(UTC)
    with pytest.raises(ValueError):
        await client.recordings.list(start=now, end=now - timedelta(seconds=1))
