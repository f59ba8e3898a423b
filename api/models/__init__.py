"""Wire models of the Sinch Calling API v1 (pydantic v2): snake_case fields, camelCase aliases.

Loaded on first use (PEP 562): `api.models.display` (the sanitiser every screen's line filter uses) and other
single submodules come without pydantic and the ~60 models, so the console draws its first frame before them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.lazy import attach

if TYPE_CHECKING:
    from api.models.base import RequestModel, WireModel
    from api.models.callbacks import CallbacksConfig, CallbackUrls
    from api.models.callouts import (
        LOCALES,
        MAX_TTS_CHARACTERS,
        CalloutRequest,
        CalloutResponse,
        ConferenceCalloutRequest,
        CustomCalloutRequest,
        TtsCalloutRequest,
    )
    from api.models.calls import CALL_REASONS, CALL_RESULTS, CALL_STATUSES, CallResult
    from api.models.common import Destination, Identity, Money, normalize_number
    from api.models.conferences import Conference, ConferenceCommand, Participant, ParticipantList
    from api.models.events import (
        AceEvent,
        CallbackEvent,
        DiceEvent,
        IceEvent,
        MenuResult,
        NotifyEvent,
        PieEvent,
        parse_callback_event,
    )
    from api.models.numbers import AssignNumbersRequest, NumberItem, NumberList, NumbersList, UnassignNumberRequest
    from api.models.query import NumberInfo, QueryNumberResponse
    from api.models.recordings import Recording, RecordingList
    from api.models.svaml import (
        ACTION_NAMES,
        INSTRUCTION_NAMES,
        Action,
        Answer,
        ConnectConf,
        ConnectMxp,
        ConnectPstn,
        ConnectSip,
        Continue,
        Hangup,
        Instruction,
        Park,
        PlayFiles,
        RecordingOptions,
        RunMenu,
        Say,
        SendDtmf,
        SetCookie,
        StartRecording,
        StartRecordingAction,
        StopRecording,
        StopRecordingAction,
        Svaml,
    )


__all__ = [
    "ACTION_NAMES",
    "CALL_REASONS",
    "CALL_RESULTS",
    "CALL_STATUSES",
    "INSTRUCTION_NAMES",
    "LOCALES",
    "MAX_TTS_CHARACTERS",
    "AceEvent",
    "Action",
    "Answer",
    "AssignNumbersRequest",
    "CallResult",
    "CallbackEvent",
    "CallbackUrls",
    "CallbacksConfig",
    "CalloutRequest",
    "CalloutResponse",
    "Conference",
    "ConferenceCalloutRequest",
    "ConferenceCommand",
    "ConnectConf",
    "ConnectMxp",
    "ConnectPstn",
    "ConnectSip",
    "Continue",
    "CustomCalloutRequest",
    "Destination",
    "DiceEvent",
    "Hangup",
    "IceEvent",
    "Identity",
    "Instruction",
    "MenuResult",
    "Money",
    "NotifyEvent",
    "NumberInfo",
    "NumberItem",
    "NumberList",
    "NumbersList",
    "Park",
    "Participant",
    "ParticipantList",
    "PieEvent",
    "PlayFiles",
    "QueryNumberResponse",
    "Recording",
    "RecordingList",
    "RecordingOptions",
    "RequestModel",
    "RunMenu",
    "Say",
    "SendDtmf",
    "SetCookie",
    "StartRecording",
    "StartRecordingAction",
    "StopRecording",
    "StopRecordingAction",
    "Svaml",
    "TtsCalloutRequest",
    "UnassignNumberRequest",
    "WireModel",
    "normalize_number",
    "parse_callback_event",
]

__getattr__, __dir__ = attach(globals())
