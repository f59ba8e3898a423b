"""The real `sinch-console serve` on 127.0.0.1 against a browser with and without the token, and against a page
on another site: only the printed URL (then its cookie) opens the console, and only from the served origin."""

from __future__ import annotations

import asyncio

import httpx
from serve_helpers import FOREIGN_ORIGIN, Served, first_screen, handshake_status

WRONG = "x" * 43


def test_page_without_token_is_403_and_says_which_url_to_use(served_once: Served) -> None:
    for url in (f"{served_once.base}/", f"{served_once.base}/?token={WRONG}",
                f"{served_once.base}/?token={served_once.token[:-1]}", f"{served_once.base}/download/anything"):
        page = httpx.get(url, timeout=10)
        assert page.status_code == 403, url
        assert page.headers["content-type"].startswith("text/plain")
        assert "the URL that `sinch-console serve` printed" in page.text
        assert "set-cookie" not in page.headers and served_once.token not in page.text


def test_page_with_token_sets_a_strict_cookie_that_then_suffices(served_once: Served) -> None:
    page = httpx.get(served_once.printed_url, timeout=10)
    assert page.status_code == 200 and "sinch-console" in page.text
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"{served_once.cookie_name}={served_once.token};")
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "path=/", "samesite=strict"} <= attributes
    assert page.headers["referrer-policy"] == "no-referrer"  # the page's URL holds the token
    # Only its own origins may frame it: a page of the same site (another port) gets the cookie, and could
    # otherwise frame the console and trick the operator into pressing keys.
    policy = page.headers["content-security-policy"].split()
    assert policy[:2] == ["frame-ancestors", "'self'"] and f"{served_once.base}" in policy
    assert not any(source.endswith(":*") or source == "*" for source in policy)

    again = httpx.get(f"{served_once.base}/", cookies={served_once.cookie_name: served_once.token}, timeout=10)
    assert again.status_code == 200 and "set-cookie" not in again.headers  # a reload needs no query
    wrong = httpx.get(f"{served_once.base}/", cookies={served_once.cookie_name: WRONG}, timeout=10)
    assert wrong.status_code == 403


def test_static_files_stay_public(served_once: Served) -> None:
    """textual-serve's own JS and CSS: the same for everyone, and needed where the cookie is not sent."""
    assert httpx.get(f"{served_once.base}/static/js/textual.js", timeout=10).status_code == 200


def test_websocket_without_token_is_refused(served_once: Served) -> None:
    for url in (served_once.ws, f"{served_once.ws}/{WRONG}"):
        assert asyncio.run(handshake_status(url, origin=served_once.base)) == 403
    bad_cookie = f"{served_once.cookie_name}={WRONG}"
    assert asyncio.run(handshake_status(served_once.ws, origin=served_once.base, cookie=bad_cookie)) == 403


def test_websocket_with_token_from_a_foreign_or_no_origin_is_refused(served_once: Served) -> None:
    cookie = f"{served_once.cookie_name}={served_once.token}"
    ticket = f"{served_once.ws}/{served_once.token}"
    for origin in (FOREIGN_ORIGIN, "null", f"http://127.0.0.1:{served_once.port + 1}", None):
        assert asyncio.run(handshake_status(served_once.ws, origin=origin, cookie=cookie)) == 403, origin
        assert asyncio.run(handshake_status(ticket, origin=origin)) == 403, origin


def test_websocket_with_cookie_and_own_origin_gets_the_first_screen(served_once: Served) -> None:
    cookie = f"{served_once.cookie_name}={served_once.token}"
    screen = asyncio.run(first_screen(served_once.ws, b"standup", timeout=30, origin=served_once.base,
                                      cookie=cookie))
    assert screen.startswith(b"\x1b[?1049h") and b"standup" in screen


def test_websocket_from_the_localhost_name_of_the_same_server_is_accepted(served_once: Served) -> None:
    """Opening http://localhost:PORT/?token=... is the same server on this machine: its page may connect."""
    ticket = f"{served_once.ws}/{served_once.token}"
    screen = asyncio.run(first_screen(ticket, b"standup", timeout=30, origin=f"http://localhost:{served_once.port}"))
    assert b"standup" in screen
