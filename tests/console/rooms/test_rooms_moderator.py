"""The Moderator facade: worded outcomes, read-only refusals, the audit through the gateway, polls that never raise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rooms_helpers import ROOM

from api.models.views import RoomSummary
from console.audit import AuditLog, read_entries
from console.gateway import Gateway, read_only_text
from console.rooms import AddressBook, Moderator

ADA = "+46708168731"
BOOK = AddressBook({ADA: "Ada"})


async def test_mute_unmute_toggle_kick_are_worded_and_really_happen(client, admin, clock):
    moderator = Moderator(client, clock=clock, address_book=BOOK)
    ada = await admin.join(ADA)
    await moderator.poll(ROOM)
    assert (await moderator.mute(ROOM, ada)).text == "Muted Ada (+46 70 816 87 31)"
    assert (await admin.roster())[ada]["muted"]
    await moderator.poll(ROOM)
    toggled = await moderator.toggle_mute(ROOM, ada)
    assert toggled.text == "Unmuted Ada (+46 70 816 87 31)" and not (await admin.roster())[ada]["muted"]
    await moderator.poll(ROOM)
    assert (await moderator.toggle_mute(ROOM, ada)).action == "mute"
    kicked = await moderator.kick(ROOM, ada)
    assert kicked.ok and kicked.text == "Kicked Ada (+46 70 816 87 31)" and ada not in await admin.roster()


async def test_acting_on_someone_who_left_says_why_in_words(client, admin, clock):
    moderator = Moderator(client, clock=clock, address_book=BOOK)
    ada = await admin.join(ADA)
    await admin.join("+46708425201")
    await moderator.poll(ROOM)
    await admin.hang_up(ada)
    outcome = await moderator.mute(ROOM, ada)
    assert not outcome.ok and outcome.code == 40400
    assert outcome.text == "Could not mute Ada (+46 70 816 87 31): Not found (40400): the participant already left"
    unknown = await moderator.kick(ROOM, "no-such-call-id-at-all")
    assert unknown.text == "Could not kick call no-such-: Not found (40400): the participant already left"


async def test_platform_faults_come_back_as_outcomes_and_stale_polls(client, admin, clock):
    moderator = Moderator(client, clock=clock)
    ada = await admin.join(ADA)
    await moderator.poll(ROOM)
    await admin.fault(kind="rate_limit", count=1, retry_after=3)
    limited = await moderator.mute(ROOM, ada)
    assert limited.text.endswith("Too many requests (42900): the platform asked to slow down, retry in 3 s")
    await admin.fault(kind="latency", seconds=0.01, count=1)
    assert (await moderator.mute(ROOM, ada)).ok
    await admin.fault(kind="status", status=500, count=-1)
    clock.advance(5)
    failed = await moderator.poll(ROOM)
    clock.advance(7)
    failed = await moderator.poll(ROOM)
    assert not failed.ok and failed.error == "Service unavailable (injected fault) (50000)"
    assert failed.summary == RoomSummary(ROOM, participants=1, muted=failed.summary.muted, health="stale", stale_for=12,
                                         recent=(1,))
    assert moderator.watch(ROOM).next_delay == 2
    await admin.clear_faults()
    recovered = await moderator.poll(ROOM)
    assert recovered.ok and recovered.summary.health == "ok" and moderator.watch(ROOM).next_delay == 1
    moderator.policy(ROOM).lock((), clock())
    assert moderator.summary(ROOM).locked and not moderator.summary(ROOM).auto_mute  # the watch list's badges


async def test_read_only_refuses_every_mutating_call_and_sends_nothing(client, admin, clock):
    moderator = Moderator(client, clock=clock, gateway=Gateway(client, read_only=True))
    ada = await admin.join(ADA)
    await moderator.poll(ROOM)
    sent = len(client.trace)
    outcomes = [
        await moderator.mute(ROOM, ada), await moderator.unmute(ROOM, ada), await moderator.toggle_mute(ROOM, ada),
        await moderator.kick(ROOM, ada), await moderator.kick_all(ROOM), await moderator.mute_all(ROOM),
        await moderator.unmute_all(ROOM), await moderator.mute_all_except_moderators(ROOM),
        await moderator.set_auto_mute(ROOM, True), await moderator.set_soft_lock(ROOM, True),
    ]
    assert all(o.refused and not o.ok for o in outcomes)
    assert outcomes[0].text == read_only_text("mute") == "Read-only profile: mute refused; nothing was sent"
    assert outcomes[4].text == read_only_text("kick_all")
    assert len(client.trace) == sent and await admin.roster() == {ada: (await admin.roster())[ada]}
    assert not (await admin.roster())[ada]["muted"]
    assert (await moderator.poll(ROOM)).ok  # reading is fine


async def test_the_gateway_audits_each_action_and_its_error_code(client, admin, clock, tmp_path):
    audit = AuditLog(tmp_path / "audit.jsonl", "test")
    moderator = Moderator(client, clock=clock, address_book=BOOK, gateway=Gateway(client, audit))
    ada = await admin.join(ADA)
    await moderator.poll(ROOM)
    await moderator.mute(ROOM, ada)
    await admin.hang_up(ada)
    await moderator.kick(ROOM, ada)
    assert [(e.phase, e.action, e.call_id, e.cli, e.outcome, e.error_code) for e in read_entries(audit.path)] == [
        ("attempt", "mute", ada, ADA, None, None), ("outcome", "mute", ada, ADA, "ok", None),
        ("attempt", "kick", ada, ADA, None, None), ("outcome", "kick", ada, ADA, "failed", 40400)]


async def test_an_unwritable_audit_log_never_blocks_the_action(client, admin, clock, tmp_path):
    (tmp_path / "audit.jsonl").mkdir()  # a folder where the log file should be: every write fails
    broken = AuditLog(tmp_path / "audit.jsonl", "test")
    moderator = Moderator(client, clock=clock, gateway=Gateway(client, broken))
    ada = await admin.join(ADA)
    outcome = await moderator.mute(ROOM, ada)
    assert outcome.ok and (await admin.roster())[ada]["muted"]
    assert "(the audit log could not be written: " in outcome.text


def test_the_rooms_logic_imports_no_textual():
    code = "import sys, console.rooms; print(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "False"
