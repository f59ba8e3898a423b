"""The fan-out's socket path: each event's frame built once, several events in one write, a subscriber whose
write buffer passed its bound gets nothing more until it drains (then a `dropped` notice and the newest), and one
that stays behind is disconnected."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from waiting import eventually
from websockets.frames import Frame, Opcode

from relay import Hub
from relay.frames import text_frame


class FakeSink:
    """A subscriber's socket as the hub sees it: records writes, can be paused (its buffer over the bound)."""

    def __init__(self) -> None:
        self.on_pause: Callable[[], object] | None = None
        self.on_resume: Callable[[], object] | None = None
        self.writes: list[bytes] = []
        self.paused = False
        self.open = True
        self.aborted = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def abort(self) -> None:
        self.aborted, self.open = True, False

    def pause(self) -> None:
        self.paused = True
        assert self.on_pause is not None
        self.on_pause()

    def resume(self) -> None:
        self.paused = False
        assert self.on_resume is not None
        self.on_resume()

    def messages(self) -> list[str]:
        return parse_frames(b"".join(self.writes))


def parse_frames(data: bytes) -> list[str]:
    """Text frames parsed with websockets' own parser (what a console's client runs)."""
    messages, at = [], 0

    def read_exact(n: int):  # type: ignore[no-untyped-def]
        nonlocal at
        chunk, at = data[at:at + n], at + n
        assert len(chunk) == n, "a frame ends short"
        yield from ()
        return chunk

    while at < len(data):
        parser = Frame.parse(read_exact, mask=False)
        try:
            next(parser)
        except StopIteration as done:
            frame = done.value
            assert frame.opcode is Opcode.TEXT and frame.fin
            messages.append(frame.data.decode())
    return messages


def test_frames_of_every_length_class_parse_as_one_text_message() -> None:
    payloads = ["x" * n for n in (0, 125, 126, 65_535, 65_536, 70_000)]
    assert parse_frames(b"".join(text_frame(p.encode()) for p in payloads)) == payloads


async def test_events_published_together_go_out_in_one_write_to_each_subscriber() -> None:
    hub = Hub(queue_size=10)
    sinks = [FakeSink() for _ in range(3)]
    for sink in sinks:
        hub.subscribe(sink)
    for n in range(4):
        hub.publish(f'"m{n}"')
    await eventually(lambda: all(sink.writes for sink in sinks))
    for sink in sinks:
        assert len(sink.writes) == 1 and sink.messages() == [f'"m{n}"' for n in range(4)]
    assert sinks[0].writes[0] is sinks[1].writes[0]  # joined once for every subscriber at the same place


async def test_a_paused_subscriber_gets_nothing_then_a_notice_and_the_newest_when_it_drains() -> None:
    hub = Hub(queue_size=3)
    slow, fast = FakeSink(), FakeSink()
    hub.subscribe(slow)
    hub.subscribe(fast)
    slow.pause()
    for n in range(10):
        hub.publish(f'"m{n}"')
        hub.flush()
    assert slow.writes == [] and fast.messages() == [f'"m{n}"' for n in range(10)]
    assert hub.dropped == 7 and hub.queued == 3
    slow.resume()
    notice, *rest = slow.messages()
    assert json.loads(notice)["type"] == "dropped" and json.loads(notice)["count"] == 7
    assert rest == ['"m7"', '"m8"', '"m9"'] and hub.dropped == 7 and hub.cut_slow == 0


async def test_a_subscriber_that_stays_over_its_bound_is_disconnected() -> None:
    hub = Hub(queue_size=3, slow_grace=0.0)
    stuck, drained = FakeSink(), FakeSink()
    hub.subscribe(stuck)
    hub.subscribe(drained)
    stuck.pause()
    drained.pause()
    drained.resume()  # back under its bound before the grace ran out: kept
    await eventually(lambda: stuck.aborted)
    await asyncio.sleep(0)
    assert hub.cut_slow == 1 and not drained.aborted


async def test_memory_is_the_window_whatever_the_subscribers() -> None:
    hub = Hub(queue_size=100)
    stalled = [hub.subscribe(FakeSink()) for _ in range(50)]
    for sink_owner in stalled:
        assert sink_owner.sink is not None
        sink_owner.sink.pause()  # type: ignore[attr-defined]
    for n in range(10_000):
        hub.publish(f'"m{n}"')
    assert len(hub._entries) < 2 * hub.queue_size  # one window for all, not one queue per subscriber
    assert hub.queued == 50 * 100 and hub.dropped == 50 * 9_900
