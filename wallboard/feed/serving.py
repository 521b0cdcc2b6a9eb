"""The command-line side of serving a feed: where to listen, who may connect, TLS.

Shared by every program that serves boards (the embedded call centre, the Asterisk
bridge), so they take the same flags and say the same things when one is wrong.
Tokens come from environment variables, never from flags (flags show in ``ps``), or from a
tokens file that names each supervisor and holds only hashes (``--tokens``): then the
audit log, "busy" and every acknowledgement name the person, not the role::

    # tokens.toml — one [[token]] per supervisor or board; the file holds no secret
    [[token]]
    name = "田中 (SV)"
    role = "supervisor"            # or "viewer" (a wall TV)
    teams = ["Team A"]             # optional: the teams this supervisor may monitor
    sha256 = "9f86d0…"             # printf %s 'the token' | sha256sum
"""

from __future__ import annotations

import argparse
import os
import ssl
import tomllib
from dataclasses import dataclass

from ..core.profile import settings_text
from .server import Principal


def add_serving_arguments(p: argparse.ArgumentParser, default_port: int = 8765) -> None:
    g = p.add_argument_group("serving boards")
    g.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    g.add_argument("--port", type=int, default=default_port, help=f"port (default {default_port}; 0 picks a free one)")
    g.add_argument("--heartbeat", type=float, default=2.0, help="heartbeat interval in s (default 2)")
    g.add_argument("--coalesce-ms", type=float, default=10.0, metavar="MS",
                   help="deltas published within this long go to each board as one frame (default 10; 0: each at once)")
    g.add_argument("--token-env", metavar="VAR",
                   help="a view-only board token, read from environment variable VAR (never a flag)")
    g.add_argument("--supervisor-token-env", metavar="VAR",
                   help="a supervisor token (may listen/whisper/barge), read from environment variable VAR")
    g.add_argument("--tls-cert", metavar="PEM", help="serve wss:// with this certificate chain (with --tls-key)")
    g.add_argument("--tls-key", metavar="PEM", help="the certificate's private key")
    g.add_argument("--tokens", metavar="TOML",
                   help="who each token stands for: [[token]] name, role, teams, sha256 (no secrets in it)")
    g.add_argument("--anonymous", choices=("viewer", "supervisor", "none"),
                   help="what a board without a token may do (default: viewer if no token is set, else none)")


@dataclass(frozen=True, slots=True)
class Serving:
    host: str
    port: int
    heartbeat_s: float
    principals: dict[str, Principal]
    anonymous: Principal | None
    tls: ssl.SSLContext | None
    coalesce_s: float = 0.01


class TokenFileError(ValueError):
    """A bad tokens file; the message names the entry and the key."""


def load_tokens(path: str) -> dict[str, Principal]:
    """``sha256:<hex>`` → principal, from a tokens file (see the module docstring)."""
    try:
        with open(path, "rb") as f:
            raw = tomllib.loads(settings_text(f.read())[0])
    except OSError as err:
        raise TokenFileError(err.strerror or str(err)) from None
    except ValueError as err:  # bad encoding, TOMLDecodeError
        raise TokenFileError(str(err)) from None
    if set(raw) - {"token"} or not isinstance(raw.get("token", []), list):
        raise TokenFileError("expected only [[token]] entries")
    out: dict[str, Principal] = {}
    for i, entry in enumerate(raw.get("token", []), 1):
        where = f"token {i}"
        if not isinstance(entry, dict):
            raise TokenFileError(f"{where}: expected a table")
        extra = set(entry) - {"name", "role", "teams", "sha256"}
        if extra:
            raise TokenFileError(f"{where}.{sorted(extra)[0]}: unknown key (name, role, teams, sha256; "
                                 "never the token itself)")
        name, role, digest = entry.get("name"), entry.get("role", "viewer"), entry.get("sha256")
        if not isinstance(name, str) or not name.strip() or len(name) > 64:
            raise TokenFileError(f"{where}.name: the person or board it stands for (1–64 characters)")
        where = f"token {i} ({name})"
        if role not in ("viewer", "supervisor"):
            raise TokenFileError(f"{where}.role: viewer or supervisor, got {role!r}")
        if not isinstance(digest, str) or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest.lower()):
            raise TokenFileError(f"{where}.sha256: 64 hex digits (printf %s 'TOKEN' | sha256sum)")
        teams = entry.get("teams")
        if teams is not None and (not isinstance(teams, list) or not all(isinstance(t, str) for t in teams)):
            raise TokenFileError(f"{where}.teams: a list of team names")
        key = "sha256:" + digest.lower()
        if key in out:
            raise TokenFileError(f"{where}.sha256: the same token as {out[key].name}")
        if any(p.name == name for p in out.values()):
            raise TokenFileError(f"{where}.name: used twice (every audit must tell them apart)")
        out[key] = Principal(name, role, frozenset(teams) if teams is not None else None)
    return out


def serving_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Serving:
    """The flags checked, or ``parser.error`` with one line naming the flag."""
    if args.heartbeat <= 0:
        parser.error("--heartbeat must be > 0")
    if not 0 <= args.coalesce_ms <= 1000:
        parser.error(f"--coalesce-ms: 0…1000 ms, got {args.coalesce_ms:g}")
    principals: dict[str, Principal] = {}
    for flag, var, role in (("--token-env", args.token_env, "viewer"),
                            ("--supervisor-token-env", args.supervisor_token_env, "supervisor")):
        if var:
            value = os.environ.get(var)
            if not value:
                parser.error(f"{flag}: environment variable {var} is empty or unset")
            principals[value] = Principal(role, role)
    if args.tokens:
        try:
            principals.update(load_tokens(args.tokens))
        except TokenFileError as err:
            parser.error(f"--tokens {args.tokens}: {err}")
    anonymous_role = args.anonymous or ("none" if principals else "viewer")
    tls = None
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            tls.load_cert_chain(args.tls_cert, args.tls_key)
        except (OSError, ssl.SSLError) as err:
            parser.error(f"--tls-cert/--tls-key: {err}")
    anonymous = None if anonymous_role == "none" else Principal("anonymous", anonymous_role)
    return Serving(args.host, args.port, args.heartbeat, principals, anonymous, tls, args.coalesce_ms / 1000)
