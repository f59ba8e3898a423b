"""Callback URL checks: https expected, plain http only to this machine (warned), everything else refused in words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.models import CallbackUrls
from console.numbers import (
    UrlProblem,
    changes,
    check_callback_url,
    check_callbacks,
    describe_changes,
    same_urls,
    shown_url,
)
from console.numbers.callback_urls import HTTP_WARNING, MAX_URL_LENGTH


@pytest.mark.parametrize("url", [
    "https://hooks.example.com/sinch",
    "https://hooks.example.com:8443/sinch/events?token=abc",
    "HTTPS://EXAMPLE.COM",
    "https://[2001:db8::1]/cb",
    "  https://example.com/padded  ",
])
def test_https_is_accepted_without_a_warning(url: str) -> None:
    checked = check_callback_url(url)
    assert checked.url == url.strip()
    assert checked.warning is None


@pytest.mark.parametrize("url", [
    "http://localhost:8080/cb",
    "http://LOCALHOST/cb",
    "http://127.0.0.1:9000",
    "http://[::1]:8700/events",
    "http://localhost./cb",
])
def test_plain_http_to_this_machine_is_accepted_with_a_warning(url: str) -> None:
    checked = check_callback_url(url)
    assert checked.url == url
    assert checked.warning == HTTP_WARNING


@pytest.mark.parametrize(("url", "words"), [
    ("http://example.com", "http:// is unencrypted: use https://example.com"),
    ("http://127.0.0.2/cb", "only for localhost, 127.0.0.1 and ::1"),
    ("http://localhost.example.com/cb", "http:// is unencrypted"),
    ("ftp://example.com/cb", "ftp:// is not for callbacks"),
    ("ws://localhost:8080", "ws:// is not for callbacks"),
    ("example.com/sinch", "needs https:// in front"),
    ("https:/example.com", "needs https:// in front"),
    ("https://", "has no host name"),
    ("https://:8080/cb", "has no host name"),
    ("https://example.com:99999/cb", "not a URL"),
    ("https://example.com:0/cb", "port 0"),
    ("https://exa mple.com/cb", "no spaces"),
    ("https://example.com/\x00", "no spaces or control characters"),
    ("https://example.com/" + "x" * MAX_URL_LENGTH, f"at most {MAX_URL_LENGTH}"),
])
def test_everything_else_is_refused_in_words(url: str, words: str) -> None:
    with pytest.raises(UrlProblem) as caught:
        check_callback_url(url, "fallback")
    assert words in caught.value.reason
    assert caught.value.field == "fallback"
    assert str(caught.value).startswith("Fallback: ")


@pytest.mark.parametrize("empty", ["", "   ", "\t"])
def test_empty_means_not_set(empty: str) -> None:
    assert check_callback_url(empty).url is None


def test_the_form_checks_both_fields_and_warns_about_odd_pairs() -> None:
    ok = check_callbacks("https://a.example/cb", "http://localhost:8080/cb")
    assert ok.urls == CallbackUrls(primary="https://a.example/cb", fallback="http://localhost:8080/cb")
    assert ok.problems == {} and ok.warnings == {"fallback": HTTP_WARNING}
    refused = check_callbacks("http://example.com", "ftp://x")
    assert refused.urls is None and set(refused.problems) == {"primary", "fallback"}
    assert "fallback is used only when the primary fails" in check_callbacks("", "https://b.example").warnings[
        "fallback"]
    assert "same URL as the primary" in check_callbacks("https://a.example", "https://a.example").warnings[
        "fallback"]
    assert check_callbacks("", "").urls == CallbackUrls()


def test_changes_show_old_and_new() -> None:
    old = CallbackUrls(primary="https://old.example/cb")
    new = CallbackUrls(primary="https://new.example/cb", fallback="http://localhost:1/cb")
    assert changes(old, new) == [("Primary", "https://old.example/cb", "https://new.example/cb"),
                                 ("Fallback", "(not set)", "http://localhost:1/cb")]
    assert describe_changes(old, old) == "no change"
    assert describe_changes(new, CallbackUrls(primary="https://new.example/cb")) == \
        "Fallback: http://localhost:1/cb → (not set)"
    assert same_urls(CallbackUrls(primary="", fallback=None), CallbackUrls())


def test_a_password_in_a_url_is_never_shown() -> None:
    assert shown_url("https://ops:s3cret@hooks.example.com/cb") == "https://ops:****@hooks.example.com/cb"
    assert "s3cret" not in describe_changes(CallbackUrls(), CallbackUrls(primary="https://u:s3cret@h.example/"))
    assert shown_url("https://ops@hooks.example.com/cb") == "https://ops@hooks.example.com/cb"
    assert shown_url(None) == "(not set)"


@given(st.text(max_size=300))
def test_any_text_is_accepted_or_refused_in_words(text: str) -> None:
    try:
        checked = check_callback_url(text)
    except UrlProblem as problem:
        assert problem.reason
        return
    if checked.url is None:
        assert not text.strip()
    elif checked.url.lower().startswith("http://"):
        assert checked.warning == HTTP_WARNING
    else:
        assert checked.url.lower().startswith("https://") and checked.warning is None


_hosts = st.sampled_from(["example.com", "hooks.example.org", "localhost", "127.0.0.1", "[::1]", "10.0.0.7"])
_paths = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789/-_.", max_size=30)


@given(st.sampled_from(["http", "https", "HTTP", "Https"]), _hosts, st.none() | st.integers(1, 65535), _paths)
def test_the_scheme_and_host_decide(scheme: str, host: str, port: int | None, path: str) -> None:
    url = f"{scheme}://{host}{f':{port}' if port else ''}/{path}"
    local = host in ("localhost", "127.0.0.1", "[::1]")
    if scheme.lower() == "https":
        assert check_callback_url(url) == check_callback_url(url)  # deterministic
        assert check_callback_url(url).warning is None
    elif local:
        assert check_callback_url(url).warning == HTTP_WARNING
    else:
        with pytest.raises(UrlProblem, match="unencrypted"):
            check_callback_url(url)


@given(st.text(max_size=80), st.text(max_size=80))
def test_the_form_never_raises(primary: str, fallback: str) -> None:
    checked = check_callbacks(primary, fallback)
    assert (checked.urls is None) == bool(checked.problems)
