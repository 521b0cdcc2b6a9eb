"""The real AMI session recorded from a real Asterisk (shared/reference), read back unedited."""

from __future__ import annotations

import re
from pathlib import Path

CAPTURE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "asterisk-ami-capture-basic.txt"
_HEADER = re.compile(r"^# t=(?P<t>[0-9.]+) (?P<dir>sent|recv)$")


def frames() -> list[tuple[float, str, list[str]]]:
    """(seconds, "sent"|"recv", lines) for every frame, in order."""
    out: list[tuple[float, str, list[str]]] = []
    current: tuple[float, str, list[str]] | None = None
    for line in CAPTURE.read_text(encoding="utf-8").splitlines():
        m = _HEADER.match(line)
        if m:
            current = (float(m["t"]), m["dir"], [])
            out.append(current)
        elif current is not None and line:
            current[2].append(line)
    return out


def wire(direction: str = "recv") -> bytes:
    """What went over the socket in one direction: CRLF lines, a blank line after each message."""
    chunks = []
    for i, (_, d, lines) in enumerate(frames()):
        if d != direction:
            continue
        if i == 0 and lines and lines[0].startswith("Asterisk Call Manager"):
            chunks.append(lines[0] + "\r\n")  # the greeting is a single line
        else:
            chunks.append("\r\n".join(lines) + "\r\n\r\n")
    return "".join(chunks).encode("utf-8")
