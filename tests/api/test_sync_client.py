"""SyncSinchVoiceClient against a real sandbox on 127.0.0.1: every call a real HTTP request on the background loop."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest

from api import SinchVoiceClient, SyncSinchVoiceClient, errors
from api.models import CallResult, Conference, NumberInfo, NumberList, RecordingList
from api.resources import Conferences

server = pytest.importorskip("sandbox.server")

ROOM = "standup"


@pytest.fixture(scope="module")
def running():
    with server.start_sandbox_thread(seed=11) as sandbox:
        yield sandbox


@pytest.fixture
def client(running):
    with SyncSinchVoiceClient(running.application_key, running.application_secret, base_url=running.url) as sync:
        yield sync


def _window(running):
    now = running.sandbox.now()
    return now - timedelta(days=60), now + timedelta(hours=1)


def test_conference_get_and_mute(client, running):
    conference = client.conferences.get(ROOM)
    assert isinstance(conference, Conference) and conference.participants
    call_id = next(p.call_id for p in conference.participants if not p.muted)
    assert client.conferences.mute(ROOM, call_id) is None
    assert running.sandbox.participant(ROOM, call_id).muted is True
    assert next(p for p in client.conferences.get(ROOM).participants if p.call_id == call_id).muted is True
    client.conferences.unmute(ROOM, call_id)
    assert running.sandbox.participant(ROOM, call_id).muted is False


def test_callout_tts_then_calls_get(client):
    call_id = client.callouts.tts("+46708168731", text="Hello from a script")
    assert isinstance(call_id, str) and call_id
    result = client.calls.get(call_id)
    assert isinstance(result, CallResult) and result.call_id == call_id


def test_recordings_list_and_download(client, running, tmp_path):
    recordings = client.recordings.list(*_window(running))
    assert isinstance(recordings, RecordingList) and isinstance(recordings, list) and recordings
    progress: list[tuple[int, int | None]] = []
    path = client.recordings.download(recordings[0].key, tmp_path, on_progress=lambda d, t: progress.append((d, t)))
    assert path.parent == tmp_path and path.stat().st_size > 0
    assert progress and progress[-1][0] == path.stat().st_size
    if recordings[0].size is not None:
        assert recordings[0].size == path.stat().st_size


def test_numbers_list_and_query_number(client):
    numbers = client.numbers.list()
    assert isinstance(numbers, NumberList) and numbers
    info = client.query_number("+46708168731")
    assert isinstance(info, NumberInfo) and info.normalized_number == "+46708168731"


def test_typed_errors_come_through_unchanged(client):
    with pytest.raises(errors.NotFoundError) as caught:
        client.calls.get("no-such-call")
    assert caught.value.status == 404 and caught.value.error_code == 40400
    with pytest.raises(errors.InvalidArgumentError):
        client.query_number("not a number")


async def test_called_from_inside_a_running_loop(client):
    """What a Jupyter cell does: a loop is running in this thread, and the blocking call still works."""
    asyncio.get_running_loop()  # a loop is running here
    conference = client.conferences.get(ROOM)
    assert conference.participants
    assert client.query_number("+46708168731").country_id == "SE"


def test_called_from_asyncio_run_and_from_threads(client):
    async def inside() -> int:
        return len(client.numbers.list())

    assert asyncio.run(inside()) > 0
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(client.conferences.get(ROOM))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(results) == 4 and all(isinstance(r, Conference) for r in results)


def test_generic_proxying_follows_the_async_client(client, monkeypatch):
    assert client.conferences.get.__name__ == "get"
    assert client.conferences.get.__doc__ == Conferences.get.__doc__

    async def participant_count(self, conference_id: str) -> int:  # a method the async resource gains later
        return len((await self.get(conference_id)).participants)

    monkeypatch.setattr(Conferences, "participant_count", participant_count, raising=False)
    assert client.conferences.participant_count(ROOM) == len(client.conferences.get(ROOM).participants)
    assert client.application_key  # plain attributes pass through
    assert client.trace and client.trace[-1].method in ("GET", "POST", "PATCH", "DELETE")
    with pytest.raises(AttributeError):
        client.aclose  # noqa: B018 - the loop's lifetime is the facade's: close() instead
    with pytest.raises(AttributeError):
        client.conferences.no_such_method  # noqa: B018


def test_lazy_start_close_twice_and_thread_gone(running):
    sync = SyncSinchVoiceClient(running.application_key, running.application_secret, base_url=running.url)
    assert sync.thread is None  # nothing started yet
    assert not hasattr(sync, "_repr_html_")  # IPython's probes do not start it either
    assert sync.thread is None
    sync.numbers.list()
    thread = sync.thread
    assert thread is not None and thread.is_alive() and thread.daemon and thread.name.startswith("sinch-voice-sync")
    sync.close()
    sync.close()
    assert not thread.is_alive() and thread not in threading.enumerate()
    with pytest.raises(RuntimeError, match="closed"):
        sync.numbers.list()


def test_close_without_use_and_context_manager(running):
    SyncSinchVoiceClient(running.application_key, running.application_secret, base_url=running.url).close()
    with SyncSinchVoiceClient(running.application_key, running.application_secret, base_url=running.url) as sync:
        sync.numbers.list()
        thread = sync.thread
    assert thread is not None and not thread.is_alive() and sync.closed


def test_repr_never_shows_the_secret(running):
    sync = SyncSinchVoiceClient(running.application_key, running.application_secret, base_url=running.url)
    try:
        assert running.application_secret not in repr(sync)
        sync.numbers.list()
        assert running.application_secret not in repr(sync)
        assert running.application_secret not in repr(sync.conferences)
        assert running.application_key in repr(sync)
    finally:
        sync.close()


def test_constructor_errors():
    with pytest.raises(TypeError):
        SyncSinchVoiceClient("key", "secret", no_such_parameter=1)
    sync = SyncSinchVoiceClient("key", "secret", region="mars", auth="basic")
    with pytest.raises(ValueError, match="region"):
        sync.numbers  # noqa: B018 - the async constructor's check, on first use
    sync.close()


async def test_async_client_in_a_running_loop(running):
    """The async client works as is wherever a loop runs (a notebook's top-level await)."""
    async with SinchVoiceClient(running.application_key, running.application_secret, base_url=running.url) as voice:
        conference = await voice.conferences.get(ROOM)
        numbers = await voice.numbers.list()
    assert conference.participants and isinstance(numbers, NumberList)
