"""The history store: one SQLite file (WAL), on the server side — the bridge, the embedded call centre.

Schema (version 1; ``resources/docs/history.md`` says the same for people who query it):

- ``calls(id, queue, entered, outcome, agent, answered, ended, wait_ms, talk_ms, hold_ms, wrapup_ms,
  transferred, detail)``, key (id, queue, entered): one caller's stay in one queue
  (:class:`~wallboard.core.history.CallRecord`); times epoch ms.
- ``intervals(agent, kind, queue, start, reason, end)``, key (agent, kind, queue, start, reason):
  login / pause / talk / wrapup spans (:class:`~wallboard.core.history.Interval`); ``end`` NULL while open.
- ``source_lines(source, seq, ts, line)``: the raw lines read from a source file (Asterisk's queue_log), in
  order — what a restarted bridge rebuilds today from, exactly, without reading the file twice.
- ``source_position(source, inode, offset, seq)``: where the next line of that file starts; written in the
  same transaction as the lines it covers, so a line is stored once, whatever stops the bridge when.
- ``outcomes(id, agent, kind, at, campaign, call, amount, source)``, key id: outbound results
  (:class:`~wallboard.core.outbound.Outcome`); a second write of an id is ignored (idempotent).
- ``dials(call, agent, at, connected)``, key call: outbound call attempts seen on the floor; ``connected``
  the time it was answered, NULL if never.

Writes are upserts by key: writing a record again (a rebuilt day, a replay) changes nothing. Another backend
would implement the same five methods (:class:`HistoryStore` is the only one today).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from ..core.history import CallRecord, Interval, QueueRules
from ..core.metrics import QueueCounters
from ..core.outbound import Outcome

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS calls(
  id TEXT NOT NULL, queue TEXT NOT NULL, entered INTEGER NOT NULL, outcome TEXT NOT NULL DEFAULT '',
  agent TEXT NOT NULL DEFAULT '', answered INTEGER, ended INTEGER, wait_ms INTEGER NOT NULL DEFAULT 0,
  talk_ms INTEGER NOT NULL DEFAULT 0, hold_ms INTEGER NOT NULL DEFAULT 0, wrapup_ms INTEGER NOT NULL DEFAULT 0,
  transferred INTEGER NOT NULL DEFAULT 0, detail TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(id, queue, entered));
CREATE INDEX IF NOT EXISTS calls_entered ON calls(entered);
CREATE TABLE IF NOT EXISTS intervals(
  agent TEXT NOT NULL, kind TEXT NOT NULL, queue TEXT NOT NULL, start INTEGER NOT NULL, reason TEXT NOT NULL,
  "end" INTEGER, PRIMARY KEY(agent, kind, queue, start, reason));
CREATE INDEX IF NOT EXISTS intervals_start ON intervals(start);
CREATE TABLE IF NOT EXISTS source_lines(source TEXT NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL,
  line TEXT NOT NULL, PRIMARY KEY(source, seq));
CREATE INDEX IF NOT EXISTS source_lines_ts ON source_lines(source, ts);
CREATE TABLE IF NOT EXISTS outcomes(id TEXT PRIMARY KEY, agent TEXT NOT NULL, kind TEXT NOT NULL,
  at INTEGER NOT NULL, campaign TEXT NOT NULL DEFAULT '', call TEXT, amount REAL, source TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS outcomes_at ON outcomes(at);
CREATE TABLE IF NOT EXISTS dials(call TEXT PRIMARY KEY, agent TEXT NOT NULL, at INTEGER NOT NULL, connected INTEGER);
CREATE INDEX IF NOT EXISTS dials_at ON dials(at);
CREATE TABLE IF NOT EXISTS source_position(source TEXT PRIMARY KEY, inode INTEGER NOT NULL,
  offset INTEGER NOT NULL, seq INTEGER NOT NULL);
"""
_CALL_COLUMNS = ("id", "queue", "entered", "outcome", "agent", "answered", "ended", "wait_ms", "talk_ms", "hold_ms",
                 "wrapup_ms", "transferred", "detail")


class HistoryError(RuntimeError):
    """The store cannot be opened or written (the path, the disk, a newer schema): said in one line."""


class HistoryStore:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash loses at most the last transaction
            self._db.executescript(_SCHEMA)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except (sqlite3.Error, OSError) as err:
            raise HistoryError(f"history store {self.path}: {err}") from None
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) > SCHEMA_VERSION:
            raise HistoryError(f"history store {self.path}: schema {row[0]} is newer than this program's "
                               f"({SCHEMA_VERSION}); upgrade the bridge")

    def close(self) -> None:
        self._db.close()

    # -- writing ---------------------------------------------------------------------------------------

    def write(self, records: Iterable[CallRecord | Interval]) -> None:
        with self._transaction():
            self._upsert(records)

    def ingest(self, source: str, lines: list[tuple[int, str]], inode: int, offset: int,
               records: Iterable[CallRecord | Interval]) -> None:
        """Lines read from ``source`` (each with its time), where the next one starts, and what they changed:
        all or nothing."""
        with self._transaction():
            row = self._db.execute("SELECT seq FROM source_position WHERE source = ?", (source,)).fetchone()
            seq = row[0] if row else 0
            self._db.executemany("INSERT INTO source_lines VALUES (?, ?, ?, ?)",
                                 [(source, seq + i + 1, ts, line) for i, (ts, line) in enumerate(lines)])
            self._db.execute("INSERT OR REPLACE INTO source_position VALUES (?, ?, ?, ?)",
                             (source, inode, offset, seq + len(lines)))
            self._upsert(records)

    def close_open(self, kinds: Iterable[str], at: int) -> int:
        """Intervals of these kinds still open (a bridge that stopped before it saw them end) end at ``at``."""
        ks = list(kinds)
        with self._transaction():
            cur = self._db.execute(f'UPDATE intervals SET "end" = MAX(start, ?) WHERE "end" IS NULL AND kind IN '
                                   f"({', '.join('?' * len(ks))})", [at, *ks])
        return int(cur.rowcount)

    def add_outcome(self, o: Outcome, source: str = "") -> bool:
        """Store an outbound result once; False if its id was stored before (a replay)."""
        with self._transaction():
            cur = self._db.execute("INSERT OR IGNORE INTO outcomes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                   (o.id, o.agent, o.kind, o.at, o.campaign, o.call, o.amount, source))
        return cur.rowcount == 1

    def add_dials(self, dials: Iterable[tuple[str, str, int, int | None]]) -> None:
        """(call, agent, at, connected) of outbound attempts; a connect once known is kept."""
        with self._transaction():
            self._db.executemany("INSERT INTO dials VALUES (?, ?, ?, ?) ON CONFLICT(call) DO UPDATE SET "
                                 "connected = COALESCE(dials.connected, excluded.connected)", list(dials))

    def outcomes(self, start: int, end: int) -> list[Outcome]:
        rows = self._db.execute("SELECT id, agent, kind, at, campaign, call, amount FROM outcomes WHERE at >= ? AND "
                                "at < ? ORDER BY at", (start, end))
        return [Outcome(id=r[0], agent=r[1], kind=r[2], at=r[3], campaign=r[4], call=r[5], amount=r[6]) for r in rows]

    def dials(self, start: int, end: int) -> list[tuple[str, str, int, int | None]]:
        return [tuple(r) for r in self._db.execute(
            "SELECT call, agent, at, connected FROM dials WHERE at >= ? AND at < ? ORDER BY at", (start, end))]

    def login_today(self, keys: Iterable[str], day_start: int, now: int) -> tuple[int, int | None]:
        """Logged-in time of an agent (by any of ``keys``: id, member name) since ``day_start``: (closed ms,
        the open span's start or None)."""
        ks = [k for k in keys if k]
        marks = ", ".join("?" * len(ks))
        rows = self._db.execute('SELECT start, "end" FROM intervals WHERE kind = \'login\' AND agent IN '
                                f'({marks}) AND start < ? AND ("end" IS NULL OR "end" > ?)',
                                [*ks, now, day_start]).fetchall()
        closed, since = 0, None
        for start, end in rows:
            if end is None:
                since = max(start, day_start) if since is None else min(since, max(start, day_start))
            else:
                closed += max(0, min(end, now) - max(start, day_start))
        return closed, since

    def _upsert(self, records: Iterable[CallRecord | Interval]) -> None:
        calls, intervals = [], []
        for r in records:
            if isinstance(r, CallRecord):
                calls.append((r.id, r.queue, r.entered, r.outcome, r.agent, r.answered, r.ended, r.wait_ms, r.talk_ms,
                              r.hold_ms, r.wrapup_ms, int(r.transferred), r.detail))
            else:
                intervals.append((r.agent, r.kind, r.queue, r.start, r.reason, r.end))
        self._db.executemany(f"INSERT OR REPLACE INTO calls VALUES ({', '.join('?' * len(_CALL_COLUMNS))})", calls)
        self._db.executemany("INSERT OR REPLACE INTO intervals VALUES (?, ?, ?, ?, ?, ?)", intervals)

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self.path)

    # -- reading ---------------------------------------------------------------------------------------

    def position(self, source: str) -> tuple[int, int] | None:
        row = self._db.execute("SELECT inode, offset FROM source_position WHERE source = ?", (source,)).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    def lines_since(self, source: str, ts: int) -> Iterator[str]:
        for (line,) in self._db.execute("SELECT line FROM source_lines WHERE source = ? AND ts >= ? ORDER BY seq",
                                        (source, ts)):
            yield line

    def calls(self, start: int, end: int, queues: Iterable[str] | None = None) -> list[CallRecord]:
        """Calls that entered in [start, end), of these queues (None: all)."""
        rows = self._db.execute(f"SELECT {', '.join(_CALL_COLUMNS)} FROM calls WHERE entered >= ? AND entered < ? "
                                "ORDER BY entered", (start, end)).fetchall()
        wanted = set(queues) if queues is not None else None
        return [CallRecord(id=r[0], queue=r[1], entered=r[2], outcome=r[3], agent=r[4], answered=r[5], ended=r[6],
                           wait_ms=r[7], talk_ms=r[8], hold_ms=r[9], wrapup_ms=r[10], transferred=bool(r[11]),
                           detail=r[12])
                for r in rows if wanted is None or r[1] in wanted]

    # -- the reports' sums, done by SQLite (a month of a big floor is millions of calls) ---------------------

    def counters(self, start: int, end: int, rules: Mapping[str, QueueRules] | None = None,
                 step_ms: int | None = None, queues: Iterable[str] | None = None
                 ) -> dict[tuple[str, int], tuple[QueueCounters, int]]:
        """:func:`wallboard.core.history.queue_counters` of the calls that entered in [start, end), by queue
        and (with ``step_ms``) by interval, with each bucket's longest wait (ms): the same figures, summed
        by SQLite."""
        rules = rules or {}
        sl = _case({q: r.sl_threshold_s * 1000 for q, r in rules.items()}, 20_000)
        short = _case({q: r.short_abandon_s * 1000 for q, r in rules.items()}, 0)
        bucket = f"(entered - {int(start)}) / {int(step_ms)}" if step_ms else "0"
        where, params = _where(start, end, queues)
        rows = self._db.execute(f"""
            SELECT queue, {bucket} AS b, COUNT(*),
              SUM(answered IS NOT NULL), SUM(outcome = 'abandoned'),
              SUM(outcome = 'abandoned' AND wait_ms <= {short}),
              SUM(answered IS NOT NULL AND wait_ms <= {sl}),
              SUM(outcome = 'abandoned' AND wait_ms <= {sl}),
              TOTAL(CASE WHEN answered IS NOT NULL THEN wait_ms END),
              SUM(outcome = 'answered'), TOTAL(CASE WHEN outcome = 'answered' THEN talk_ms + hold_ms + wrapup_ms END),
              MAX(wait_ms), MAX(CASE WHEN answered IS NOT NULL OR outcome != '' THEN wait_ms END)
            FROM calls WHERE {where} GROUP BY queue, b""", params).fetchall()
        out: dict[tuple[str, int], tuple[QueueCounters, int]] = {}
        for q, b, offered, answered, abandoned, short_n, in_sl, ab_in_sl, wait, handled, handle, longest, left in rows:
            out[(q, start + int(b) * (step_ms or 0))] = (QueueCounters(
                offered=offered, answered=answered, abandoned=abandoned, abandoned_short=short_n, answered_in_sl=in_sl,
                abandoned_in_sl=ab_in_sl, wait_answered_ms=int(wait), handled=handled, handle_ms=int(handle),
                longest_wait_ms=int(left or 0)), int(longest or 0))
        return out

    def outcome_counts(self, start: int, end: int, queues: Iterable[str] | None = None) -> dict[str, dict[str, int]]:
        """:func:`wallboard.core.history.outcome_rows`' counts, summed by SQLite."""
        where, params = _where(start, end, queues)
        rows = self._db.execute(f"""
            SELECT queue, COUNT(*), SUM(outcome = 'answered' OR (outcome = '' AND answered IS NOT NULL)),
              SUM(outcome = 'abandoned'), SUM(outcome = 'timeout'), SUM(outcome = 'exited'), SUM(transferred),
              SUM(outcome = '' AND answered IS NULL)
            FROM calls WHERE {where} GROUP BY queue ORDER BY queue""", params).fetchall()
        return {r[0]: dict(zip(("offered", "answered", "abandoned", "timeout", "exited", "transferred", "open"), r[1:]))
                for r in rows}

    def agent_sums(self, start: int, end: int, queues: Iterable[str] | None = None) -> dict[str, tuple[int, ...]]:
        """Per agent, its answered calls that entered in [start, end): (answered, transferred, talk, hold, wrap-up)."""
        where, params = _where(start, end, queues)
        rows = self._db.execute(f"""
            SELECT agent, COUNT(*), SUM(transferred), TOTAL(talk_ms), TOTAL(hold_ms), TOTAL(wrapup_ms)
            FROM calls WHERE {where} AND answered IS NOT NULL AND agent != '' GROUP BY agent""", params).fetchall()
        return {r[0]: (r[1], r[2], int(r[3]), int(r[4]), int(r[5])) for r in rows}

    def intervals(self, start: int, end: int) -> list[Interval]:
        """Intervals that overlap [start, end) (still open ones included)."""
        rows = self._db.execute('SELECT agent, kind, queue, start, reason, "end" FROM intervals '
                                'WHERE start < ? AND ("end" IS NULL OR "end" > ?) ORDER BY start', (end, start))
        return [Interval(agent=r[0], kind=r[1], queue=r[2], start=r[3], reason=r[4], end=r[5]) for r in rows]


def _case(values: Mapping[str, int], default: int) -> str:
    """A per-queue number inside SQL (queue ids are quoted as SQL strings: a quote doubled)."""
    if not values:
        return str(int(default))
    whens = " ".join(f"WHEN '{q.replace(chr(39), chr(39) * 2)}' THEN {int(v)}" for q, v in values.items())
    return f"(CASE queue {whens} ELSE {int(default)} END)"


def _where(start: int, end: int, queues: Iterable[str] | None) -> tuple[str, list[object]]:
    params: list[object] = [int(start), int(end)]
    where = "entered >= ? AND entered < ?"
    if queues is not None:
        qs = list(queues)
        where += f" AND queue IN ({', '.join('?' * len(qs))})" if qs else " AND 0"
        params += qs
    return where, params


class _Transaction:
    def __init__(self, db: sqlite3.Connection, path: str) -> None:
        self.db, self.path = db, path

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, err: object, tb: object) -> None:
        try:
            self.db.execute("COMMIT" if kind is None else "ROLLBACK")
        except sqlite3.Error as e:
            raise HistoryError(f"history store {self.path}: {e}") from None
        if isinstance(err, sqlite3.Error):
            raise HistoryError(f"history store {self.path}: {err}") from None
