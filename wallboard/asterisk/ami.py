"""Asterisk Manager Interface framing: bytes in, messages out; actions out as bytes. No I/O.

AMI is line based: a greeting line (``Asterisk Call Manager/13.0.0``), then messages
of ``Key: Value`` lines, each message ended by an empty line. Lines end in CRLF (a bare
LF is accepted). Traps handled here, once:

- keys are case-insensitive (Asterisk itself writes ``ServicelevelPerf`` where its docs say
  ``ServiceLevelPerf``), so lookups ignore case;
- a key may repeat (``Variable`` lines, ``ChanVariable``): every value is kept, ``get``
  returns the first;
- a value may contain ``: `` itself; only the first separator splits;
- data arrives in arbitrary chunks: a message is emitted only when its blank line has come.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

MAX_BUFFER = 1024 * 1024  # a message this long without a blank line is not AMI


class AmiProtocolError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class AmiMessage:
    """One AMI message; ``fields`` keeps Asterisk's order and spelling."""

    fields: tuple[tuple[str, str], ...]
    _index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for k, v in self.fields:
            self._index.setdefault(k.lower(), v)

    def get(self, key: str, default: str = "") -> str:
        return self._index.get(key.lower(), default)

    def __getitem__(self, key: str) -> str:
        return self._index[key.lower()]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._index

    def all(self, key: str) -> list[str]:
        k = key.lower()
        return [v for kk, v in self.fields if kk.lower() == k]

    @property
    def event(self) -> str:
        return self.get("Event")

    @property
    def response(self) -> str:
        return self.get("Response")

    @property
    def action_id(self) -> str:
        return self.get("ActionID")


class AmiParser:
    """Feed it bytes as they come; it hands back complete messages."""

    def __init__(self) -> None:
        self._buffer = b""
        self.greeting: str | None = None

    def feed(self, data: bytes) -> list[AmiMessage]:
        self._buffer += data
        out: list[AmiMessage] = []
        if self.greeting is None:
            end = self._buffer.find(b"\n")
            if end < 0:
                self._check_size()
                return out
            self.greeting = self._buffer[:end].rstrip(b"\r").decode("utf-8", "replace")
            self._buffer = self._buffer[end + 1:]
        out.extend(self._messages())
        self._check_size()
        return out

    def _messages(self) -> Iterator[AmiMessage]:
        while True:
            buf = self._buffer.replace(b"\r\n", b"\n") if b"\r\n" in self._buffer else self._buffer
            end = buf.find(b"\n\n")
            if end < 0:
                return
            block, self._buffer = buf[:end], buf[end + 2:]
            pairs = []
            for raw in block.split(b"\n"):
                line = raw.decode("utf-8", "replace")
                if not line:
                    continue
                key, sep, value = line.partition(":")
                if not sep:  # e.g. the free text of a Command response: keep it, unnamed
                    pairs.append(("", line))
                    continue
                pairs.append((key.strip(), value[1:] if value.startswith(" ") else value))
            if pairs:
                yield AmiMessage(tuple(pairs))

    def _check_size(self) -> None:
        if len(self._buffer) > MAX_BUFFER:
            raise AmiProtocolError(f"{len(self._buffer)} bytes without the end of a message: not AMI")


def action(name: str, action_id: str, **fields: str) -> bytes:
    """An AMI action as wire bytes. Values must be single lines (they are checked)."""
    lines = [f"Action: {name}", f"ActionID: {action_id}"]
    for key, value in fields.items():
        if "\r" in value or "\n" in value:
            raise ValueError(f"AMI field {key} must be one line")
        lines.append(f"{key}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()
