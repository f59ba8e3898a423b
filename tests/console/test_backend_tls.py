"""`console.backend`: the client for the spawned sandbox."""

from __future__ import annotations


def test_the_sandbox_client_trusts_no_authority() -> None:
    """Plain HTTP on loopback never uses TLS; the context given to httpx (to skip loading the CA bundle) would
    refuse any certificate rather than accept one."""
    import ssl

    from console.backend import no_tls

    context = no_tls()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.get_ca_certs() == []
