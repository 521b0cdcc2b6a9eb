"""The feed's token in the OS keychain (Secret Service, macOS Keychain, Windows Credential Locker).

Never writes a secret anywhere itself: not to the profile, not to QSettings, not to a log.
A keychain that would keep secrets in a plain file (keyrings.alt's plaintext backend) or
that cannot work at all (a headless box without a Secret Service) counts as *no keychain*:
callers then say so and ask for the token at start, holding it in memory only.

Tokens are filed under service ``wallboard``, one per feed (``scheme://host:port``), so
one desk can hold tokens for several bridges.
"""

from __future__ import annotations

import getpass
import logging
import sys
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


def store(account: str, secret: str, service: str = SERVICE) -> None:
    """Keep ``secret`` for ``account`` (a feed's :func:`account_for`, or an AMI login)."""
    if not secret or any(c in secret for c in "\r\n\0"):
        raise CredentialError("a token is one line of text, and not empty")
    kr = _keyring()
    try:
        kr.set_password(service, account, secret)
    except Exception as err:  # noqa: BLE001 - keyring raises backend-specific errors
        raise CredentialError(f"the keychain refused to store it ({type(err).__name__}: locked?)") from None


def lookup(account: str, service: str = SERVICE) -> str | None:
    kr = _keyring()
    try:
        secret: str | None = kr.get_password(service, account)
    except Exception as err:  # noqa: BLE001
        raise CredentialError(f"the keychain could not be read ({type(err).__name__}: locked?)") from None
    return secret


def forget(account: str, service: str = SERVICE) -> bool:
    """Remove the secret; False if there was none."""
    kr = _keyring()
    try:
        if kr.get_password(service, account) is None:
            return False
        kr.delete_password(service, account)
    except Exception as err:  # noqa: BLE001
        raise CredentialError(f"the keychain could not remove it ({type(err).__name__})") from None
    return True


def run_cli(prog: str, verb: str, account: str, service: str, noun: str, instead: str) -> int:
    """``set`` (asks twice on a terminal, else reads one line of stdin), ``delete`` or ``status``."""
    try:
        name = keychain_name()
        if verb == "status":
            if name is None:
                print("no keychain on this system (on Linux: gnome-keyring or KWallet, unlocked)")
                return 1
            stored = lookup(account, service) is not None
            print(f"keychain {name}: {noun if stored else f'no {noun}'} stored for {account}")
            return 0
        if verb == "delete":
            print(f"removed the {noun} for {account}" if forget(account, service) else f"no {noun} was stored for {account}")
            return 0
        if name is None:
            raise CredentialError(f"no keychain on this system; {instead}")
        if sys.stdin.isatty():
            secret = getpass.getpass(f"{noun} for {account}: ")
            if getpass.getpass("again: ") != secret:
                raise CredentialError("the two entries differ; nothing stored")
        else:
            secret = sys.stdin.readline().rstrip("\r\n")
        store(account, secret, service)
        print(f"stored the {noun} for {account} in {name}")
        return 0
    except CredentialError as err:
        print(f"{prog}: {err}", file=sys.stderr)
        return 1
