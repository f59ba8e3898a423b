"""The attack from issue 12: a page on another site opens the console's websocket in the operator's browser and
presses `m`. Here the served command is a recorder standing in for the console (it logs every packet
textual-serve writes to its stdin), so the test sees exactly which keys would have reached the app, and a
control connection from the served origin proves the recorder does see keys that get through."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import websockets
from aiohttp.test_utils import TestServer
from serve_helpers import FOREIGN_ORIGIN, handshake_status
from waiting import eventually

from console.serve import build_parser, free_port, make_server

RECORDER = '''
import sys
record = open(sys.argv[1], "ab", buffering=0)
record.write(b"START\\n")
sys.stdout.write("__GANGLION__\\n"); sys.stdout.flush()  # textual-serve waits for this before talking
stdin = sys.stdin.buffer
while len(head := stdin.read(5)) == 5:
    payload = stdin.read(int.from_bytes(head[1:], "big"))
    record.write(head[:1] + payload + b"\\n")
    if head[:1] == b"M" and b'"quit"' in payload:
        break
'''


async def recorded(path: Path, needle: bytes) -> bytes:
    """The recorder's file once it holds `needle`."""

    def holding() -> bytes | None:
        content = path.read_bytes() if path.exists() else b""
        return content if needle in content else None

    return await eventually(holding, step=0.05, what=f"{needle!r} in the recorder's file")


async def test_m_from_a_foreign_origin_never_reaches_the_app(tmp_path: Path) -> None:
    script, record = tmp_path / "recorder.py", tmp_path / "keys.log"
    script.write_text(RECORDER)
    port = free_port()
    server = make_server(build_parser().parse_args(["--port", str(port)]), [])
    server.command = shlex.join([sys.executable, str(script), str(record)])
    web = TestServer(await server._make_app(), host="127.0.0.1", port=port)
    await web.start_server()
    try:
        ws, token = f"ws://127.0.0.1:{port}/ws", server.guard.token
        cookie = {"Cookie": f"sinch-console-token-{port}={token}"}
        for url, headers in ((f"{ws}/{token}", {}), (ws, cookie)):  # the page's ticket URL, or the cookie
            try:
                async with websockets.connect(f"{url}?width=80&height=24", origin=FOREIGN_ORIGIN,
                                              additional_headers=headers, open_timeout=20) as attacker:
                    await attacker.send(json.dumps(["stdin", "m"]))
            except websockets.exceptions.InvalidStatus as refused:
                assert refused.response.status_code == 403
        assert await handshake_status(ws, origin=None, cookie=cookie["Cookie"]) == 403

        async with websockets.connect(f"{ws}/{token}?width=80&height=24", origin=f"http://127.0.0.1:{port}",
                                      open_timeout=20) as operator:
            await operator.send(json.dumps(["stdin", "k"]))
            await recorded(record, b"Dk\n")  # the control: a key that is let through does reach the recorder
    finally:
        await web.close()
    seen = await recorded(record, b'"quit"')
    assert seen.count(b"START\n") == 1  # the refused connections never started an app
    assert b"Dm\n" not in seen
