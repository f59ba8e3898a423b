"""How the relay answers a callback: rules from a TOML file, first match wins, else a safe default.

    [[rule]]
    name = "dial-in to the stand-up"
    event = "ice"
    to = "+46 73 017 01 01"          # the number dialled (normalised to E.164); also: cli, custom
    action = "connectConf"
    conference = "standup"
    greeting = "Welcome to the stand-up."   # a `say` before the action (locale defaults to en-US)
    detect_dtmf = true                # keys pressed in the room come back as PIE callbacks (raised hands)

    [[rule]]
    event = "pie"
    dtmf = "1"                        # menuResult.value; also: menu_id (the conference id in a room)
    action = "continue"

    [[rule]]                          # anything the shorthand does not cover: SVAML as Sinch documents it
    event = "ace"
    svaml = { instructions = [{ name = "say", text = "Hi", locale = "en-US" }], action = { name = "continue" } }

Shorthand actions are hangup, continue, connectConf (`conference`) and connectPstn (`number`); every answer is
built with `api.models.svaml` and checked against Sinch's table of what each callback may answer (e.g.
`continue` is not allowed after an ICE). Mistakes are reported with the rule's number, its line and the field.

Defaults, when no rule matches (all of them what Sinch documents as safe):
- ICE -> hangup. Sinch does not allow `continue` in an ICE answer, so every other answer routes the call
  somewhere (a conference, a phone, a menu) and may cost money or let a stranger in. Hanging up is also what
  Sinch does itself when a callback does not answer in time, so an unconfigured relay changes nothing.
- ACE -> continue: the callout carries on as it was placed (a TTS callout speaks, a conference callout joins).
- PIE -> continue: the menu or the conference carries on; a conference's DTMF PIE only needs a 200.
- DiCE, Notify and event types we do not know -> 200 with an empty body: Sinch expects no answer to them.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.models.common import normalize_number, number_key
from api.models.correlation import split_custom
from api.models.events import AceEvent, DiceEvent, IceEvent, NotifyEvent, PieEvent
from api.models.svaml import ConnectConf, ConnectPstn, Continue, Hangup, Instruction, Say, Svaml

CallbackEvent = IceEvent | AceEvent | DiceEvent | PieEvent | NotifyEvent

# What Sinch lets each callback's answer contain (developers.sinch.com, SVAML actions and instructions).
ALLOWED_ACTIONS: dict[str, tuple[str, ...]] = {
    "ice": ("hangup", "connectPstn", "connectMxp", "connectConf", "connectSip", "runMenu", "park"),
    "ace": ("hangup", "continue", "connectConf", "runMenu"),
    "pie": ("hangup", "continue", "connectPstn", "connectConf", "connectSip", "runMenu"),
}
ALLOWED_INSTRUCTIONS: dict[str, tuple[str, ...]] = {
    "ice": ("playFiles", "say", "sendDtmf", "setCookie", "startRecording", "answer"),
    "ace": ("playFiles", "say", "setCookie", "startRecording"),
    "pie": ("playFiles", "say", "sendDtmf", "setCookie", "startRecording", "stopRecording"),
}
SHORTHAND_ACTIONS = ("hangup", "continue", "connectConf", "connectPstn")
DEFAULT_LOCALE = "en-US"
Fail = Callable[[str, str], "RulesError"]
_RULE_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*rule[ \t]*\]\]", re.MULTILINE)


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file, the rule, its line and the field."""


@dataclass(frozen=True)
class Answer:
    """What one callback is answered: SVAML (None = an empty 200) and which rule chose it."""

    svaml: dict[str, Any] | None
    rule: str
    body: bytes = b""

    @classmethod
    def of(cls, svaml: Svaml | None, rule: str) -> Answer:
        wire = svaml.to_wire() if svaml is not None else None
        body = json.dumps(wire, separators=(",", ":")).encode() if wire is not None else b""
        return cls(wire, rule, body)


DEFAULT_ANSWERS = {
    "ice": Answer.of(Svaml(action=Hangup()), "default: ICE -> hangup"),
    "ace": Answer.of(Svaml(action=Continue()), "default: ACE -> continue"),
    "pie": Answer.of(Svaml(action=Continue()), "default: PIE -> continue"),
}
NO_ANSWER = Answer.of(None, "no answer expected")


class RuleSpec(BaseModel):
    """One `[[rule]]` table as written; `compile_rule` checks what depends on more than one field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = None
    event: str
    to: str | None = None
    cli: str | None = None
    dtmf: str | None = Field(default=None, pattern=r"^[0-9#*]+$")
    menu_id: str | None = None
    custom: str | None = None
    action: str | None = None
    conference: str | None = Field(default=None, min_length=1, max_length=64)
    number: str | None = None
    greeting: str | None = Field(default=None, min_length=1, max_length=600)
    locale: str | None = None
    detect_dtmf: bool = False
    max_digits: int | None = Field(default=None, ge=1, le=20)
    svaml: dict[str, Any] | None = None


class RulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: list[RuleSpec] = Field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    """A checked rule: what it matches (None = anything) and the answer, serialised once."""

    event: str
    answer: Answer
    to: str | None = None
    cli: str | None = None
    dtmf: str | None = None
    menu_id: str | None = None
    custom: str | None = None

    def matches(self, kind: str, event: CallbackEvent) -> bool:
        if kind != self.event:
            return False
        if self.custom is not None and self.custom not in (event.custom, split_custom(event.custom)[1]):
            return False  # the console puts its correlation tag before the custom text typed: "sc-…|vip"
        if isinstance(event, IceEvent):
            if self.to is not None and (event.to is None or _number(event.to.endpoint) != self.to):
                return False
            if self.cli is not None and _number(event.cli or "") != self.cli:
                return False
        if isinstance(event, PieEvent):
            result = event.menu_result
            if self.dtmf is not None and (result is None or (result.value or "").strip() != self.dtmf):
                return False
            if self.menu_id is not None and (result is None or result.menu_id != self.menu_id):
                return False
        return True


class Rules:
    """The rules of one relay, in file order; `answer()` is what the callback route calls."""

    def __init__(self, rules: Sequence[Rule] = (), source: str = "built-in defaults") -> None:
        self.rules = tuple(rules)
        self.source = source

    @classmethod
    def empty(cls) -> Rules:
        return cls()

    @classmethod
    def load(cls, path: str | Path) -> Rules:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RulesError(f"{path}: cannot read the rules file ({exc.strerror or exc})") from None
        return cls.parse(text, source=str(path))

    @classmethod
    def parse(cls, text: str, source: str = "rules") -> Rules:
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise RulesError(f"{source}: not valid TOML: {exc}") from None
        lines = [text.count("\n", 0, match.start()) + 1 for match in _RULE_HEADER.finditer(text)]
        for key in document:
            if key != "rule":
                raise RulesError(f"{source}: unknown table {key!r}: write each rule as a [[rule]] table")
        try:
            parsed = RulesFile.model_validate(document)
        except ValidationError as exc:
            raise RulesError(_worded(exc, source, lines)) from None
        compiled = []
        for index, spec in enumerate(parsed.rule):
            where = _where(source, index, lines)
            compiled.append(compile_rule(spec, where, default_name=where.removeprefix(f"{source}: ")))
        return cls(compiled, source)

    def answer(self, kind: str, event: CallbackEvent | None) -> Answer:
        """The first matching rule's answer; the default for the type when none (or the event did not parse)."""
        if kind not in DEFAULT_ANSWERS:
            return NO_ANSWER
        if event is not None:
            for rule in self.rules:
                if rule.matches(kind, event):
                    return rule.answer
        return DEFAULT_ANSWERS[kind]


def compile_rule(spec: RuleSpec, where: str, default_name: str = "rule") -> Rule:
    """Check one rule's fields against each other and Sinch's SVAML table, and build its answer."""

    def fail(field: str, message: str) -> RulesError:
        return RulesError(f"{where}, field {field!r}: {message}")

    kind = spec.event.lower()
    if kind in ("dice", "notify"):
        raise fail("event", f"{kind} callbacks take no answer (Sinch ignores it); remove this rule")
    if kind not in ALLOWED_ACTIONS:
        raise fail("event", f"{spec.event!r} is not a callback that takes an answer: use ice, ace or pie")
    for field, only in (("to", "ice"), ("cli", "ice"), ("dtmf", "pie"), ("menu_id", "pie")):
        if getattr(spec, field) is not None and kind != only:
            raise fail(field, f"only {only} callbacks carry it, this rule is for {kind}")
    to, cli = (_rule_number(spec, field, fail) for field in ("to", "cli"))
    svaml = _shorthand(spec, fail) if spec.svaml is None else _inline(spec, fail)
    action = svaml.action.name if svaml.action is not None else ""
    field = "svaml" if spec.svaml is not None else "action"
    if action not in ALLOWED_ACTIONS[kind]:
        raise fail(field, f"{action!r} is not a valid answer to {kind.upper()} "
                          f"(Sinch allows: {', '.join(ALLOWED_ACTIONS[kind])})")
    for instruction in svaml.instructions:
        if instruction.name not in ALLOWED_INSTRUCTIONS[kind]:
            raise fail(field, f"instruction {instruction.name!r} is not allowed in an answer to {kind.upper()} "
                              f"(Sinch allows: {', '.join(ALLOWED_INSTRUCTIONS[kind])})")
    name = spec.name or default_name
    return Rule(kind, Answer.of(svaml, name), to=to, cli=cli, dtmf=spec.dtmf, menu_id=spec.menu_id,
                custom=spec.custom)


def _shorthand(spec: RuleSpec, fail: Fail) -> Svaml:
    action = spec.action
    if action is None:
        raise fail("action", f"give an action ({', '.join(SHORTHAND_ACTIONS)}) or an svaml table")
    if action not in SHORTHAND_ACTIONS:
        raise fail("action", f"{action!r} is not a shorthand action ({', '.join(SHORTHAND_ACTIONS)}); "
                             "write other answers as an svaml table")
    for field, needs in (("conference", "connectConf"), ("detect_dtmf", "connectConf"), ("max_digits", "connectConf"),
                         ("number", "connectPstn")):
        if getattr(spec, field) not in (None, False) and action != needs:
            raise fail(field, f"only goes with action = {needs!r}")
    if spec.locale is not None and spec.greeting is None:
        raise fail("locale", "is the greeting's language: give a greeting too")
    instructions: list[Instruction] = []
    if spec.greeting:
        instructions.append(Say(text=spec.greeting, locale=spec.locale or DEFAULT_LOCALE))
    if action == "connectConf":
        if not spec.conference:
            raise fail("conference", "connectConf needs the conference id to connect to")
        options: dict[str, Any] | None = None
        if spec.detect_dtmf or spec.max_digits is not None:
            options = {"mode": "detect", **({"maxDigits": spec.max_digits} if spec.max_digits else {})}
        return Svaml(instructions=instructions,
                     action=ConnectConf(conference_id=spec.conference, conference_dtmf_options=options))
    if action == "connectPstn":
        if not spec.number:
            raise fail("number", "connectPstn needs the number to call")
        return Svaml(instructions=instructions, action=ConnectPstn(number=_rule_number(spec, "number", fail)))
    return Svaml(instructions=instructions, action=Hangup() if action == "hangup" else Continue())


def _inline(spec: RuleSpec, fail: Fail) -> Svaml:
    for field in ("action", "conference", "number", "greeting", "locale", "max_digits"):
        if getattr(spec, field) is not None:
            raise fail(field, "write the answer either with the shorthand fields or as an svaml table, not both")
    if spec.detect_dtmf:
        raise fail("detect_dtmf", "write the answer either with the shorthand fields or as an svaml table, not both")
    try:
        svaml = Svaml.model_validate(spec.svaml)
    except ValidationError as exc:
        problem = exc.errors()[0]
        place = ".".join(str(part) for part in ("svaml", *problem["loc"]))
        raise fail(place, problem["msg"]) from None
    if svaml.action is None:
        raise fail("svaml", "an answer needs exactly one action (Sinch ignores instructions without one)")
    return svaml


def _rule_number(spec: RuleSpec, field: str, fail: Fail) -> str | None:
    value = getattr(spec, field)
    if value is None:
        return None
    try:
        return normalize_number(value)
    except ValueError as exc:
        raise fail(field, str(exc)) from None


def _number(text: str) -> str:
    """An event's number in the form rules keep: E.164 (Sinch often omits the `+`), else digits as sent."""
    try:
        return normalize_number(text)
    except ValueError:
        return number_key(text)


def _where(source: str, index: int, lines: list[int]) -> str:
    line = f" (line {lines[index]})" if index < len(lines) else ""
    return f"{source}: rule {index + 1}{line}"


def _worded(exc: ValidationError, source: str, lines: list[int]) -> str:
    """The first problem pydantic found, said as `file: rule N (line L), field 'x': what is wrong`."""
    problem = exc.errors()[0]
    loc = list(problem["loc"])
    if len(loc) >= 2 and loc[0] == "rule" and isinstance(loc[1], int):
        where = _where(source, loc[1], lines)
        field = ".".join(str(part) for part in loc[2:])
    else:
        where, field = source, ".".join(str(part) for part in loc)
    message = problem["msg"]
    if problem["type"] == "extra_forbidden":
        message = f"unknown field (known: {', '.join(RuleSpec.model_fields)})"
    elif problem["type"] == "missing":
        message = "is required" + (" (ice, ace or pie)" if field == "event" else "")
    return f"{where}, field {field!r}: {message}" if field else f"{where}: {message}"

