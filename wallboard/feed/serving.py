"""The command-line side of serving a feed: where to listen, who may connect, TLS.

Shared by every program that serves boards (the embedded call centre, the Asterisk
bridge), so they take the same flags and say the same things when one is wrong.
Tokens come from environment variables, never from flags (flags show in ``ps``).
"""

from __future__ import annotations

import argparse
import os
import ssl
from dataclasses import dataclass

from .server import Principal


def add_serving_arguments(p: argparse.ArgumentParser, default_port: int = 8765) -> None:
    g = p.add_argument_group("serving boards")
    g.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    g.add_argument("--port", type=int, default=default_port, help=f"port (default {default_port}; 0 picks a free one)")
    g.add_argument("--heartbeat", type=float, default=2.0, help="heartbeat interval in s (default 2)")
    g.add_argument("--token-env", metavar="VAR",
                   help="a view-only board token, read from environment variable VAR (never a flag)")
    g.add_argument("--supervisor-token-env", metavar="VAR",
                   help="a supervisor token (may listen/whisper/barge), read from environment variable VAR")
    g.add_argument("--tls-cert", metavar="PEM", help="serve wss:// with this certificate chain (with --tls-key)")
    g.add_argument("--tls-key", metavar="PEM", help="the certificate's private key")
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


def serving_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Serving:
    """The flags checked, or ``parser.error`` with one line naming the flag."""
    if args.heartbeat <= 0:
        parser.error("--heartbeat must be > 0")
    principals: dict[str, Principal] = {}
    for flag, var, role in (("--token-env", args.token_env, "viewer"),
                            ("--supervisor-token-env", args.supervisor_token_env, "supervisor")):
        if var:
            value = os.environ.get(var)
            if not value:
                parser.error(f"{flag}: environment variable {var} is empty or unset")
            principals[value] = Principal(role, role)
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
    return Serving(args.host, args.port, args.heartbeat, principals, anonymous, tls)
