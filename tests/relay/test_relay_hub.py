"""The fan-out: bounded per-subscriber queues, oldest dropped first, a `dropped` notice before the next event."""

from __future__ import annotations

import asyncio
import json

from relay import Hub


async def test_every_subscriber_gets_every_event_in_order() -> None:
    hub = Hub(queue_size=10)
    subscribers = [hub.subscribe() for _ in range(5)]
    for n in range(5):
        hub.publish(f"m{n}")
    for subscriber in subscribers:
        assert [await subscriber.next() for _ in range(5)] == ["m0", "m1", "m2", "m3", "m4"]
    assert hub.dropped == 0


async def test_a_full_queue_drops_the_oldest_and_says_how_many_before_the_next_event() -> None:
    hub = Hub(queue_size=3)
    slow, fast = hub.subscribe(), hub.subscribe()
    received_by_fast = []
    for n in range(10):
        hub.publish(f"m{n}")
        received_by_fast.append(await fast.next())  # one that keeps up loses nothing
    assert received_by_fast == [f"m{n}" for n in range(10)]
    notice = json.loads(await slow.next())
    assert notice["type"] == "dropped" and notice["count"] == 7 and notice["received_at"].endswith("Z")
    assert [await slow.next() for _ in range(3)] == ["m7", "m8", "m9"]  # the newest survive
    assert slow.dropped == 7 and fast.dropped == 0 and hub.dropped == 7


async def test_the_notice_counts_only_since_the_last_notice() -> None:
    hub = Hub(queue_size=2)
    slow = hub.subscribe()
    for n in range(5):
        hub.publish(f"a{n}")
    assert json.loads(await slow.next())["count"] == 3
    assert [await slow.next() for _ in range(2)] == ["a3", "a4"]
    for n in range(3):
        hub.publish(f"b{n}")
    assert json.loads(await slow.next())["count"] == 1
    assert [await slow.next() for _ in range(2)] == ["b1", "b2"]
    assert slow.dropped == 4 and hub.dropped == 4


async def test_publish_never_waits_and_memory_is_bounded() -> None:
    hub = Hub(queue_size=100)
    stalled = [hub.subscribe() for _ in range(20)]  # nobody reads
    for n in range(10_000):
        hub.publish(f"m{n}")  # synchronous: returns at once whatever the subscribers do
    assert all(subscriber.queued == 100 for subscriber in stalled)
    assert hub.queued == 20 * 100
    assert hub.dropped == 20 * 9_900 and hub.relayed == 10_000


async def test_a_waiting_subscriber_wakes_on_publish() -> None:
    hub = Hub()
    subscriber = hub.subscribe()
    waiting = asyncio.create_task(subscriber.next())
    await asyncio.sleep(0)
    assert not waiting.done()
    hub.publish("hello")
    assert await asyncio.wait_for(waiting, 5) == "hello"


async def test_unsubscribed_get_nothing_more() -> None:
    hub = Hub()
    subscriber = hub.subscribe()
    hub.unsubscribe(subscriber)
    hub.unsubscribe(subscriber)  # twice is harmless
    hub.publish("late")
    assert subscriber.queued == 0 and hub.subscribers == 0


async def test_sequence_numbers() -> None:
    hub = Hub()
    seen = []
    for _ in range(3):
        seen.append(hub.next_seq)
        hub.publish("m")
    assert seen == [1, 2, 3] and hub.relayed == 3
