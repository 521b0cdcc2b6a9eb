"""FreeSWITCH's event socket, framed: headers, a blank line, then ``Content-Length`` bytes of body.

No I/O here (the bridge owns the socket). What the socket sends is checked before it is used: a
header block or body over the limits, a ``Content-Length`` that is not a number, a line that is not
``Name: value``, are :class:`EslProtocolError` (the bridge drops the connection: the stream can no
longer be trusted); an event whose JSON is bad is refused alone (:func:`event_of` says why).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import msgspec

#: A header block larger than this is not ESL.
MAX_HEADERS = 64 * 1024
#: ``callcenter_config agent list`` for thousands of agents is a few MB; nothing ESL sends is near this.
MAX_BODY = 32 * 1024 * 1024


class EslProtocolError(ValueError):
    """The socket sent something that is not ESL framing; the connection cannot be trusted."""


class BadEvent(ValueError):
    """One event could not be used (its JSON, its shape); the others still count."""


@dataclass(slots=True)
class EslMessage:
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    @property
    def reply(self) -> str:
        """``Reply-Text`` of a command reply (``+OK accepted``, ``-ERR invalid``), or an api/bgapi body."""
        return self.headers.get("Reply-Text", "") or self.body.decode("utf-8", "replace").strip()

    @property
    def ok(self) -> bool:
        return self.reply.startswith("+OK")


class EslParser:
    """Bytes in, messages out, in order; a message split across reads waits for its end."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._pending: EslMessage | None = None
        self._need = 0

    def feed(self, data: bytes) -> list[EslMessage]:
        self._buf += data
        return list(self._messages())

    def _messages(self) -> Iterator[EslMessage]:
        while True:
            if self._pending is not None:
                if len(self._buf) < self._need:
                    return
                msg, self._pending = self._pending, None
                msg.body = bytes(self._buf[:self._need])
                del self._buf[:self._need]
                yield msg
                continue
            while self._buf[:1] == b"\n":  # stray blank lines between messages
                del self._buf[:1]
            end = self._buf.find(b"\n\n")
            if end < 0:
                if len(self._buf) > MAX_HEADERS:
                    raise EslProtocolError(f"a header block over {MAX_HEADERS} bytes")
                return
            if end > MAX_HEADERS:
                raise EslProtocolError(f"a header block over {MAX_HEADERS} bytes")
            block = bytes(self._buf[:end]).decode("utf-8", "replace")
            del self._buf[:end + 2]
            msg = EslMessage(_headers(block))
            length = msg.headers.get("Content-Length", "")
            if not length:
                yield msg
                continue
            if not length.isdigit() or int(length) > MAX_BODY:
                raise EslProtocolError(f"Content-Length {length[:20]!r} is not a size up to {MAX_BODY}")
            self._pending, self._need = msg, int(length)


def _headers(block: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in block.split("\n"):
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise EslProtocolError(f"not a header line: {line[:60]!r}")
        headers[name.strip()] = value.strip()
    return headers


def event_of(msg: EslMessage) -> dict[str, str]:
    """The headers of a ``text/event-json`` message (``_body`` holds an event's own body).

    Values that are not text (a newer FreeSWITCH's numbers) are kept as text; BadEvent if the body is
    not a JSON object."""
    try:
        raw = msgspec.json.decode(msg.body)
    except msgspec.DecodeError as err:
        raise BadEvent(f"an event whose JSON is bad ({err})") from None
    if not isinstance(raw, dict):
        raise BadEvent("an event that is not a JSON object")
    return {str(k): v if isinstance(v, str) else msgspec.json.encode(v).decode() for k, v in raw.items()}


def command(line: str) -> bytes:
    """One command; a line break in it would be a second command, so it is refused here."""
    if "\n" in line or "\r" in line:
        raise ValueError("an ESL command cannot hold a line break")
    return line.encode() + b"\n\n"
