"""Recording audio: real PCM WAV files (8 kHz, 16-bit mono, like a phone line) made of a few tones.

The header comes from the stdlib `wave` module; the samples are streamed in chunks, so a 200 MB recording
for a download benchmark costs one small buffer of memory, not 200 MB.
"""

from __future__ import annotations

import io
import math
import random
import struct
import wave
from collections.abc import Iterator

SAMPLE_RATE = 8000
SAMPLE_WIDTH = 2
HEADER_BYTES = 44
CHUNK_BYTES = 64 * 1024
_TONES_HZ = (350.0, 440.0, 480.0, 620.0, 697.0, 770.0, 852.0, 941.0)


def wav_header(n_frames: int) -> bytes:
    """The 44-byte RIFF header of a mono 16-bit 8 kHz file with `n_frames` samples, written by `wave`."""
    buf = io.BytesIO()
    writer = wave.open(buf, "wb")  # noqa: SIM115 - closing would patch the header to zero frames
    writer.setnchannels(1)
    writer.setsampwidth(SAMPLE_WIDTH)
    writer.setframerate(SAMPLE_RATE)
    writer.setnframes(n_frames)
    writer.writeframesraw(b"")
    header = buf.getvalue()
    writer._file = None  # type: ignore[attr-defined]  # detach: nothing more is written to `buf`
    return header


def frames_for(*, seconds: float | None = None, size_bytes: int | None = None) -> int:
    """Sample count for a duration or for a total file size (header included)."""
    if size_bytes is not None:
        return max(0, (size_bytes - HEADER_BYTES) // SAMPLE_WIDTH)
    return max(1, round((seconds or 1.0) * SAMPLE_RATE))


def file_size(n_frames: int) -> int:
    return HEADER_BYTES + n_frames * SAMPLE_WIDTH


def _tone_period(seed: str) -> bytes:
    """One second of audio: four quarter-second tones chosen by the seed, with a soft envelope."""
    rng = random.Random(seed)
    out = bytearray()
    quarter = SAMPLE_RATE // 4
    for _ in range(4):
        freq = rng.choice(_TONES_HZ)
        for i in range(quarter):
            envelope = min(1.0, i / 200, (quarter - i) / 200)
            sample = int(9000 * envelope * math.sin(2 * math.pi * freq * i / SAMPLE_RATE))
            out += struct.pack("<h", sample)
    return bytes(out)


def stream_wav(seed: str, n_frames: int, *, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Yield the whole file (header, then samples) in chunks of about `chunk_bytes`."""
    yield wav_header(n_frames)
    period = _tone_period(seed)
    block = period * max(1, chunk_bytes // len(period))
    remaining = n_frames * SAMPLE_WIDTH
    while remaining > 0:
        piece = block[:remaining] if remaining < len(block) else block
        remaining -= len(piece)
        yield piece


def render_wav(seed: str, n_frames: int) -> bytes:
    """The whole file in memory (small recordings and tests only)."""
    return b"".join(stream_wav(seed, n_frames))
