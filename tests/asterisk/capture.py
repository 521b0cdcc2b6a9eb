"""AMI sessions recorded from a real Asterisk (``captures/``, see its README), read back unedited."""

from __future__ import annotations

import re
from pathlib import Path

from wallboard.asterisk.ami import AmiMessage

CAPTURES = Path(__file__).resolve().parent / "captures"
#: The first recording (Asterisk f0c1c1a, 2026-11): snapshot, calls, an abandon, a pause, a listen.
BASIC = "basic-2026-11"
_HEADER = re.compile(r"^# t=(?P<t>[0-9.]+) (?P<dir>sent|recv)$")

Frame = tuple[float, str, list[str]]


def names() -> list[str]:
    return sorted(p.stem for p in CAPTURES.glob("*.txt"))


def frames(name: str = BASIC) -> list[Frame]:
    """(seconds, "sent"|"recv", lines) for every frame of capture ``name``, in order."""
    out: list[Frame] = []
    current: Frame | None = None
    for line in (CAPTURES / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        m = _HEADER.match(line)
        if m:
            current = (float(m["t"]), m["dir"], [])
            out.append(current)
        elif current is not None and line:
            current[2].append(line)
    return out


def wire(direction: str = "recv", name: str = BASIC) -> bytes:
    """What went over the socket in one direction: CRLF lines, a blank line after each message."""
    chunks = []
    for i, (_, d, lines) in enumerate(frames(name)):
        if d != direction:
            continue
        if i == 0 and lines and lines[0].startswith("Asterisk Call Manager"):
            chunks.append(lines[0] + "\r\n")  # the greeting is a single line
        else:
            chunks.append("\r\n".join(lines) + "\r\n\r\n")
    return "".join(chunks).encode("utf-8")


def message(lines: list[str]) -> AmiMessage:
    return AmiMessage(tuple((k, v) for k, _, v in (line.partition(": ") for line in lines)))


def answers(name: str, action: str) -> list[tuple[AmiMessage, list[AmiMessage]]]:
    """Each ``action`` the capture sent, with its answer: the response, then the events of its list."""
    out: list[tuple[AmiMessage, list[AmiMessage]]] = []
    ids: dict[str, int] = {}
    for _, direction, lines in frames(name):
        m = message(lines)
        if direction == "sent" and m.get("Action").lower() == action.lower():
            ids[m.action_id] = len(out)
            out.append((m, []))
        elif direction == "recv" and m.action_id in ids:
            at = ids[m.action_id]
            if m.response:
                out[at] = (m, out[at][1])
            elif not m.event.lower().endswith("complete"):
                out[at][1].append(m)
    return out


def events(name: str, *kinds: str) -> list[AmiMessage]:
    """The events of the given kinds (all if none) the capture received, in order."""
    wanted = {k.lower() for k in kinds}
    return [m for _, d, lines in frames(name) if d == "recv" and (m := message(lines)).event
            and (not wanted or m.event.lower() in wanted)]
