"""Follow a log file another program writes (Asterisk's queue_log): each complete line once, across
rotation, truncation and our own restarts.

- **Where to go on**: the caller keeps (inode, offset) — the file and the byte after the last line taken —
  and gives it back after a restart. The same file: on from there. Rotated while we were away (another inode
  at the path): the rest of the old file is read first if it is still beside it (``queue_log.1``,
  ``queue_log-20261201``…), then the new one from its start.
- **Rotation while running** (logrotate's move-and-create): the old file, still open, is read to its end,
  then the new one from 0. **Truncation** (``copytruncate``: same inode, smaller than our offset): from 0.
- A line still being written (no newline yet) waits for its end; a line that cannot be decoded as UTF-8
  is kept with replacement characters (the reader counts it as bad if it is).

Sync and cheap (one ``stat`` and a read per poll): the bridge polls it from its tick.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

#: A line longer than this is not a log line: skipped (its bytes are not kept waiting for a newline).
MAX_LINE = 64 * 1024
#: At most this much is read per call (a years-long queue_log met for the first time is read over many polls).
CHUNK = 4 * 1024 * 1024


class FileTail:
    def __init__(self, path: str | Path, position: tuple[int, int] | None = None) -> None:
        self.path = Path(path)
        self._file: BinaryIO | None = None
        self.inode = 0
        self.offset = 0
        self._pending: list[tuple[BinaryIO, int, int]] = []  # (rotated file, its inode, from where) to finish first
        self.rotations = 0
        self.truncations = 0
        self.missing = False  # the path is not there (yet): said once, polled on
        if position is not None:
            self._resume(*position)

    def _resume(self, inode: int, offset: int) -> None:
        try:
            st = self.path.stat()
        except OSError:
            st = None
        if st is not None and st.st_ino == inode:
            self._open(offset if offset <= st.st_size else 0)
            return
        old = self._find_rotated(inode)
        if old is not None:  # rotated while we were away: its rest first
            f = old.open("rb")
            f.seek(offset)
            self._pending.append((f, inode, offset))
            log.info("%s was rotated while the bridge was away: reading the rest of %s first", self.path, old)
        else:
            log.warning("%s was rotated while the bridge was away and the old file (inode %d) is gone: the lines "
                        "after offset %d of it are not in the history", self.path, inode, offset)

    def _find_rotated(self, inode: int) -> Path | None:
        try:
            for p in self.path.parent.iterdir():
                if p.name.startswith(self.path.name) and p != self.path and p.stat().st_ino == inode:
                    return p
        except OSError:
            return None
        return None

    def _open(self, offset: int) -> bool:
        try:
            f = self.path.open("rb")
        except OSError as err:
            if not self.missing:
                if isinstance(err, PermissionError):
                    log.error("%s: permission denied: the bridge's user must be able to read it (Debian: "
                              "sudo adduser wallboard-bridge asterisk); waiting", self.path)
                else:
                    log.warning("%s cannot be read yet (%s): waiting for it", self.path, err.strerror)
            self.missing = True
            return False
        self.missing = False
        self._file = f
        self.inode = os.fstat(f.fileno()).st_ino
        f.seek(offset)
        self.offset = offset
        return True

    def close(self) -> None:
        for f, _, _ in self._pending:
            f.close()
        self._pending.clear()
        if self._file is not None:
            self._file.close()
            self._file = None

    def read(self) -> list[str]:
        """Every complete line written since the last read, in order (the old file's before the new one's)."""
        out: list[str] = []
        while self._pending:  # a file rotated away while we were gone
            f, _, _ = self._pending[0]
            out += self._lines(f, final=True)[0]
            f.close()
            self._pending.pop(0)
        if self._file is None and not self._open(0):
            return out
        assert self._file is not None
        lines, self.offset = self._lines(self._file, final=False, start=self.offset)
        out += lines
        try:
            st = self.path.stat()
        except OSError:
            return out  # moved away and not yet re-created: keep reading the old one next time
        if st.st_ino != self.inode:  # rotated: the old one to its end (its writer has let go), then the new one
            out += self._lines(self._file, final=True, start=self.offset)[0]
            self._file.close()
            self._file = None
            self.rotations += 1
            log.info("%s rotated: following the new file", self.path)
            if self._open(0) and self._file is not None:
                lines, self.offset = self._lines(self._file, final=False, start=0)
                out += lines
        elif st.st_size < self.offset:  # truncated in place
            self.truncations += 1
            log.info("%s was truncated: reading it from the start", self.path)
            self._file.seek(0)
            lines, self.offset = self._lines(self._file, final=False, start=0)
            out += lines
        return out

    @staticmethod
    def _lines(f: BinaryIO, final: bool, start: int | None = None) -> tuple[list[str], int]:
        """Complete lines from ``start`` (or where ``f`` is); returns them and the offset after the last one.
        ``final``: the file will not grow (rotated away): a last line without a newline counts too."""
        if start is not None:
            f.seek(start)
        pos = f.tell()
        data = f.read() if final else f.read(CHUNK)  # a file rotated away is read to its end at once
        if not data:
            return [], pos
        end = len(data) if final else data.rfind(b"\n") + 1
        if end == 0 and len(data) > MAX_LINE:
            end = len(data)  # no newline in 64 KB: not a line; skip it rather than wait forever
        chunk = data[:end]
        f.seek(pos + end)
        lines = [b.decode("utf-8", "replace") for b in chunk.split(b"\n") if b.strip()]
        return [ln for ln in lines if len(ln) <= MAX_LINE], pos + end
