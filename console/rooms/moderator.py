"""Moderator: the one object the Conferences screen calls to poll rooms and act on participants.

It ties the pieces together (watches, timelines, attendance, policies, the audit hook) so the screen only
shows results. Every method returns an Outcome worded for a person ("Muted Ada (+46 70 816 87 31)", "Could
not kick +46 70 842 52 01: Not found (40400): the participant already left"); no error escapes as an
exception, because a worker that raises would show a traceback. Every change passes the session's gateway
(console.gateway): a read-only profile refuses every call that changes something on the platform (or a policy
that would) before anything is sent, in the gateway's words, and the gateway writes the audit lines.

It changes nothing locally after an action: the screen re-polls, and the timeline attributes the change the
poll shows to the console action it recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from api import SinchVoiceClient
from api.errors import NotFoundError
from api.models import Participant
from api.models.views import RoomSummary
from console.gateway import Gateway
from console.rooms import bulk
from console.rooms.attendance import AttendanceBook, AttendanceRow
from console.rooms.contacts import AddressBookLike, display_name
from console.rooms.policies import PolicyAction, RoomPolicy, decide
from console.rooms.timeline import Kind, Timeline, TimelineEntry
from console.rooms.watch import RoomDiff, RoomWatch
from console.rooms.wording import describe_error

Clock = Callable[[], datetime]

# command -> (past tense for a success, infinitive for a failure, timeline kind)
_COMMANDS: dict[str, tuple[str, str, Kind]] = {
    "mute": ("Muted", "mute", "muted"),
    "unmute": ("Unmuted", "unmute", "unmuted"),
    "kick": ("Kicked", "kick", "kicked"),
}


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Outcome:
    """The result of one call, in words. `code` is the Sinch errorCode (or HTTP status) when it failed."""

    ok: bool
    text: str
    action: str
    room: str
    call_id: str | None = None
    cli: str | None = None
    code: int | None = None
    refused: bool = False
    bulk: bulk.BulkResult | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class PollResult:
    """One poll: what changed, the new timeline entries, what the policies did, and the room's summary."""

    room: str
    ok: bool
    diff: RoomDiff
    entries: tuple[TimelineEntry, ...]
    policy_outcomes: tuple[Outcome, ...]
    summary: RoomSummary
    error: str | None = None


@dataclass
class Moderator:
    """Polls and moderation for every watched room. Rooms are created on first use (`watch(room)`)."""

    client: SinchVoiceClient
    watches: dict[str, RoomWatch] = field(default_factory=dict)
    policies: dict[str, RoomPolicy] = field(default_factory=dict)
    attendance: AttendanceBook = field(default_factory=AttendanceBook)
    address_book: AddressBookLike | None = None
    gateway: Gateway | None = None
    """Where every change goes (the session's); a bare one (no audit, not read-only) when not given."""
    clock: Clock = utc_now
    interval: float = 1.0
    bulk_limit: int = bulk.DEFAULT_LIMIT
    timelines: dict[str, Timeline] = field(default_factory=dict)

    @property
    def changes(self) -> Gateway:
        if self.gateway is None:
            self.gateway = Gateway(self.client)
        return self.gateway

    # ---- rooms -----------------------------------------------------------------------------------------

    def watch(self, room: str) -> RoomWatch:
        if room not in self.watches:
            self.watches[room] = RoomWatch(room, interval=self.interval)
        return self.watches[room]

    def timeline(self, room: str) -> Timeline:
        if room not in self.timelines:
            self.timelines[room] = Timeline(room)
        return self.timelines[room]

    def policy(self, room: str) -> RoomPolicy:
        return self.policies.setdefault(room, RoomPolicy())

    def summary(self, room: str, now: datetime | None = None) -> RoomSummary:
        """The room as the watch list shows it, with its policy badges."""
        policy = self.policy(room)
        return self.watch(room).summary(now or self.clock(), auto_mute=policy.auto_mute, locked=policy.soft_lock)

    def forget(self, room: str) -> None:
        """Stop watching a room (its attendance stays in the book)."""
        self.watches.pop(room, None)
        self.timelines.pop(room, None)

    def name(self, cli: str, call_id: str = "") -> str:
        """How a participant is named in outcomes: the address book's name and number, or the number."""
        return display_name(cli, self.address_book) if cli else f"call {call_id[:8]}"

    # ---- polling ---------------------------------------------------------------------------------------

    async def poll(self, room: str) -> PollResult:
        """Ask the platform who is in `room`, update everything, run the policies. Never raises."""
        watch = self.watch(room)
        try:
            conference = await self.client.conferences.get(room)
        except NotFoundError:
            conference = None
        except Exception as exc:
            now = self.clock()
            diff = watch.apply_failure(exc, now)
            return PollResult(room, False, diff, (), (), self.summary(room, now), describe_error(exc, subject="room"))
        now = self.clock()
        diff = watch.apply_poll(conference, now)
        entries = self.timeline(room).apply_diff(diff)
        if diff.initial:
            self.attendance.close_missing(room, watch.participants, now)
        self.attendance.record(room, entries)
        self.attendance.backdate(room, diff.joined, now)
        self.attendance.arrived_muted(room, diff.joined, now)
        self.attendance.seen(room, watch.participants, now)
        # Every poll, changed or not: queuing is cheap, and a quiet room's "last seen" is journaled now and then.
        await self.save_attendance()
        outcomes = await self.apply_policies(room, diff)
        return PollResult(room, True, diff, tuple(entries), tuple(outcomes), self.summary(room))

    # ---- one participant -------------------------------------------------------------------------------

    async def mute(self, room: str, call_id: str) -> Outcome:
        return await self._command(room, call_id, "mute", "mute")

    async def unmute(self, room: str, call_id: str) -> Outcome:
        return await self._command(room, call_id, "unmute", "unmute")

    async def toggle_mute(self, room: str, call_id: str) -> Outcome:
        """Unmute when the last poll showed them muted, else mute."""
        person = self.watch(room).participants.get(call_id)
        return await (self.unmute if person is not None and person.muted else self.mute)(room, call_id)

    async def kick(self, room: str, call_id: str) -> Outcome:
        return await self._command(room, call_id, "kick", "kick")

    # ---- the whole room --------------------------------------------------------------------------------

    async def kick_all(self, room: str) -> Outcome:
        """Everyone out in one request (which ends the conference)."""
        present = list(self.watch(room).participants.values())
        change = await self.changes.change(
            "kick_all", lambda: bulk.kick_all(self.client, room), room=room,
            done=lambda _: f"Kicked everyone ({len(present)}) from {room}",
            failed=lambda exc: f"Could not kick everyone from {room}: {describe_error(exc, subject='room')}")
        if not change.ok:
            return Outcome(False, change.text, "kick_all", room, code=change.error_code, refused=change.refused)
        now = self.clock()
        entries = [self.timeline(room).record_action("kicked", p.call_id, p.cli, now, detail="kick all")
                   for p in present]
        if self.attendance.record(room, entries):
            await self.save_attendance()
        return Outcome(True, change.text, "kick_all", room)

    async def mute_all(self, room: str, *, on_progress: bulk.Progress | None = None) -> Outcome:
        return await self._bulk(room, "mute", "mute_all", list(self.watch(room).participants.values()), on_progress)

    async def unmute_all(self, room: str, *, on_progress: bulk.Progress | None = None) -> Outcome:
        people = list(self.watch(room).participants.values())
        return await self._bulk(room, "unmute", "unmute_all", people, on_progress)

    async def mute_all_except_moderators(self, room: str, *, on_progress: bulk.Progress | None = None) -> Outcome:
        people = bulk.except_moderators(self.watch(room).participants.values(), self.address_book)
        return await self._bulk(room, "mute", "mute_all_except_moderators", people, on_progress)

    # ---- policies --------------------------------------------------------------------------------------

    async def apply_policies(self, room: str, diff: RoomDiff) -> list[Outcome]:
        """Carry out what the room's policies decide about this diff's joiners, one outcome each."""
        outcomes = []
        for action in decide(diff, self.policy(room), self.address_book):
            outcomes.append(await self._policy_action(room, action))
        return outcomes

    async def set_auto_mute(self, room: str, on: bool) -> Outcome:
        """Keep newcomers muted (moderators excepted)."""
        return await self._set_policy(room, "auto_mute", "Auto-mute", on)

    async def set_soft_lock(self, room: str, on: bool) -> Outcome:
        """Lock: who is in the room now stays; unknown numbers joining later are kicked."""
        return await self._set_policy(room, "soft_lock", "Soft lock", on)

    async def _set_policy(self, room: str, name: str, label: str, on: bool) -> Outcome:
        action = f"{name}_{'on' if on else 'off'}"
        policy = self.policy(room)
        now = self.clock()

        async def switch() -> None:
            if name == "auto_mute":
                policy.auto_mute = on
            elif on:
                policy.lock(self.watch(room).participants, now)
            else:
                policy.unlock()

        text = f"{label} {'on' if on else 'off'} in {room}"
        change = await self.changes.change(action, switch, room=room, done=lambda _: text)
        if not change.ok:
            return Outcome(False, change.text, action, room, refused=change.refused)
        self.timeline(room).record_policy(text, now)
        return Outcome(True, change.text, action, room)

    # ---- attendance ------------------------------------------------------------------------------------

    async def save_attendance(self) -> None:
        """Queue what changed for the attendance journal's writer thread; returns at once, so a poll never waits
        for the disk. A failure to write is kept in the book's `save_error` (as of the last write), never
        raised."""
        self.attendance.save_soon()

    def attendance_report(self, room: str) -> list[AttendanceRow]:
        """Everyone seen in `room`, named from the address book, times as of now."""
        return self.attendance.report(room, self.clock(), self.address_book)

    async def export_attendance(self, room: str, path: str | Path, *, fmt: str | None = None) -> Outcome:
        """The room's attendance as CSV or JSON, or its chart as SVG, at `path` (allowed on read-only profiles:
        it reads)."""
        try:
            written = await asyncio.to_thread(self.attendance.export, room, path, self.clock(), self.address_book,
                                              fmt=fmt)
        except (OSError, ValueError) as exc:
            return Outcome(False, f"Could not export attendance of {room}: {exc}", "export_attendance", room)
        rows = len(self.attendance.report(room, self.clock()))
        return Outcome(True, f"Exported attendance of {room} ({rows} people) to {written}", "export_attendance", room)

    # ---- the machinery ---------------------------------------------------------------------------------

    def _cli(self, room: str, call_id: str) -> str:
        person = self.watch(room).participants.get(call_id)
        return person.cli if person is not None else ""

    async def _refused(self, action: str, room: str, call_id: str | None = None, cli: str | None = None) -> Outcome:
        change = await self.changes.refuse(action, room=room, call_id=call_id, cli=cli)
        return Outcome(False, change.text, action, room, call_id, cli, refused=True)

    async def _send(self, room: str, call_id: str, command: str) -> None:
        if command == "kick":
            await self.client.conferences.kick(room, call_id)
        else:
            await self.client.conferences.command(room, call_id, command)

    async def _command(self, room: str, call_id: str, command: str, action: str, *,
                       detail: str = "") -> Outcome:
        done, verb, kind = _COMMANDS[command]
        cli = self._cli(room, call_id)
        if self.changes.refuses(action):  # before the timeline records anything
            return await self._refused(action, room, call_id, cli or None)
        who = self.name(cli, call_id)
        # Recorded before sending: a poll that lands between the platform acting and our answer must already
        # attribute the change to the console; a failure takes the entry back.
        timeline = self.timeline(room)
        entry = timeline.record_action(kind, call_id, cli, self.clock(), detail=detail)
        why = f" ({detail})" if detail else ""
        change = await self.changes.change(action, lambda: self._send(room, call_id, command), room=room,
                                           call_id=call_id, cli=cli, done=lambda _: f"{done} {who}{why}",
                                           failed=lambda exc: f"Could not {verb} {who}: {describe_error(exc)}")
        if not change.ok:
            timeline.retract(entry)
            return Outcome(False, change.text, action, room, call_id, cli, change.error_code)
        if self.attendance.record(room, [entry]):
            await self.save_attendance()
        return Outcome(True, change.text, action, room, call_id, cli)

    async def _policy_action(self, room: str, action: PolicyAction) -> Outcome:
        command, audit_action = ("mute", "policy_mute") if action.kind == "mute" else ("kick", "policy_kick")
        return await self._command(room, action.call_id, command, audit_action, detail=action.reason)

    async def _bulk(self, room: str, command: str, action: str, people: list[Participant],
                    on_progress: bulk.Progress | None) -> Outcome:
        words = action.replace("_", " ")
        if self.changes.refuses(action):
            return await self._refused(action, room)
        if not people:
            return Outcome(True, f"No one to {command} in {room}", action, room, bulk=bulk.BulkResult(()))
        clis = {p.call_id: p.cli for p in people}

        async def one(call_id: str) -> None:
            change = await self.changes.change(action, lambda: self._send(room, call_id, command), room=room,
                                               call_id=call_id, cli=clis[call_id], done=lambda _: "")
            if change.error is not None:  # the bulk runner counts and words each failure
                raise change.error

        result = await bulk.run_bulk(people, one, limit=self.bulk_limit, on_progress=on_progress)
        now = self.clock()
        kind: Kind = "muted" if command == "mute" else "unmuted"
        entries = [self.timeline(room).record_action(kind, item.call_id, item.cli, now, detail=words)
                   for item in result.succeeded]
        if self.attendance.record(room, entries):
            await self.save_attendance()
        done = _COMMANDS[command][0]
        text = f"{done} {len(result.succeeded)} of {result.total} in {room}"
        if result.failed:
            first = result.failed[0]
            more = f" and {len(result.failed) - 1} more" if len(result.failed) > 1 else ""
            text += f"; {len(result.failed)} failed: {self.name(first.cli, first.call_id)}: {first.error}{more}"
        code = result.failed[0].code if result.failed else None
        return Outcome(result.ok, text, action, room, code=code, bulk=result)
