"""The feed's token in the OS keychain (Secret Service, macOS Keychain, Windows Credential Locker).

Never writes a secret anywhere itself: not to the profile, not to QSettings, not to a log.
A keychain that would keep secrets in a plain file (keyrings.alt's plaintext backend) or
that cannot work at all (a headless box without a Secret Service) counts as *no keychain*:
callers then say so and ask for the token at start, holding it in memory only.

Tokens are filed under service ``wallboard``, one per feed (``scheme://host:port``), so
one desk can hold tokens for several bridges.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlparse

SERVICE = "wallboard"
log = logging.getLogger(__name__)


class CredentialError(RuntimeError):
    """The keychain could not be used; ``str()`` says why in one line, never with the secret."""


def account_for(url: str) -> str:
    """The keychain entry for a feed: scheme, host and port; the path does not change the server."""
    u = urlparse(url)
    if u.scheme not in ("ws", "wss") or not u.hostname:
        raise CredentialError(f"{url!r} is not a feed URL (ws://host:port or wss://host:port)")
    port = u.port or (443 if u.scheme == "wss" else 80)
    return f"{u.scheme}://{u.hostname.lower()}:{port}"


def keychain_name() -> str | None:
    """The usable keychain's name, or None when there is none worth the name."""
    try:
        import keyring
        backend = keyring.get_keyring()
    except Exception as err:  # noqa: BLE001 - any failure here means "no keychain"
        log.warning("no keychain: %s", type(err).__name__)
        return None
    priority = getattr(backend, "priority", 0)
    if priority < 1:  # fail / null / plaintext-file backends
        return None
    return f"{type(backend).__module__.removeprefix('keyring.backends.')}.{type(backend).__name__}"


def _keyring() -> Any:
    if keychain_name() is None:
        raise CredentialError("no keychain on this system (on Linux: a Secret Service such as gnome-keyring "
                              "or KWallet, unlocked in this session)")
    import keyring
    return keyring


def store(url: str, token: str) -> None:
    if not token or any(c in token for c in "\r\n\0"):
        raise CredentialError("a token is one line of text, and not empty")
    kr = _keyring()
    try:
        kr.set_password(SERVICE, account_for(url), token)
    except Exception as err:  # noqa: BLE001 - keyring raises backend-specific errors
        raise CredentialError(f"the keychain refused to store it ({type(err).__name__}: locked?)") from None


def lookup(url: str) -> str | None:
    kr = _keyring()
    try:
        token: str | None = kr.get_password(SERVICE, account_for(url))
    except Exception as err:  # noqa: BLE001
        raise CredentialError(f"the keychain could not be read ({type(err).__name__}: locked?)") from None
    return token


def forget(url: str) -> bool:
    """Remove the feed's token; False if there was none."""
    kr = _keyring()
    try:
        if kr.get_password(SERVICE, account_for(url)) is None:
            return False
        kr.delete_password(SERVICE, account_for(url))
    except Exception as err:  # noqa: BLE001
        raise CredentialError(f"the keychain could not remove it ({type(err).__name__})") from None
    return True
