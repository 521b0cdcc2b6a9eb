"""History from Asterisk's queue_log: the real sample to exact figures, the file followed through rotation,
truncation and restarts without losing or double-counting a line, midnight, and the bridge's board counting
from the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wallboard.asterisk.history import QueueLogHistory
from wallboard.asterisk.queuelog import QueueLogDay
from wallboard.core.history import ABANDONED, ANSWERED, TIMEOUT, agent_days, queue_counters
from wallboard.feed.historystore import HistoryError, HistoryStore
from wallboard.feed.tail import FileTail

SAMPLE = Path(__file__).parent / "queue_log" / "sample.txt"
LINES = SAMPLE.read_text("utf-8").splitlines()
DAY0 = 1_796_112_000_000  # a start of day before the sample's first line


def day_of(lines: list[str], start: int = DAY0, wrapup: dict[str, int] | None = None) -> QueueLogDay:
    d = QueueLogDay(start, wrapup)
    for line in lines:
        d.apply_text(line)
    return d


def test_the_real_sample_to_exact_figures_and_agents_sum_to_the_queue() -> None:
    d = day_of(LINES, wrapup={"sales": 5})
    q = queue_counters(d.calls.values())["sales"]
    assert (q.offered, q.answered, q.abandoned, q.answered_in_sl, q.wait_answered_ms) == (6, 5, 1, 5, 0)
    assert (q.handled, q.handle_ms) == (5, (2 + 6 + 6 + 6 + 6) * 1000 + 5 * 5000)  # calltime + the queue's wrap-up
    assert q.longest_wait_ms == 2000  # 最長待ち today: the caller who gave up after 2 s
    abandoned = [c for c in d.calls.values() if c.outcome == ABANDONED]
    assert [(c.id, c.wait_ms) for c in abandoned] == [("1796112994.21", 2000)]
    days = agent_days(d.calls.values(), d.intervals.values(), DAY0, DAY0 + 86_400_000, now=1_796_113_000_000)
    assert days["Agent 1002"].answered == 4 and days["Agent 1001"].answered == 1
    assert sum(a.answered for a in days.values()) == q.answered  # per agent reconciles with per queue
    assert days["Agent 1002"].talk_ms == 20_000 and days["Agent 1002"].pause_ms == {"lunch": 2000}
    assert days["Local/1003@agents/n"].login_ms == 1000  # ADDMEMBER … REMOVEMEMBER a second later
    assert not d.oddities


def test_every_outcome_kept_apart_and_a_bad_line_costs_only_itself() -> None:
    t = 1_796_112_100
    d = day_of([f"{t}|c1|q|NONE|ENTERQUEUE|||1", f"{t + 9}|c1|q|NONE|EXITWITHTIMEOUT|1|1|9",
                f"{t}|c2|q|NONE|ENTERQUEUE|||1", f"{t + 4}|c2|q|NONE|EXITWITHKEY|5|1|1|4",
                f"{t}|c3|q|NONE|ENTERQUEUE|||1", f"{t + 1}|c3|q|Agent 7|CONNECT|1|x|0",
                f"{t + 30}|c3|q|Agent 7|BLINDTRANSFER|200|sales|1|29|1",
                "garbage", f"{t}|c4|q|NONE", "x|c5|q|NONE|ENTERQUEUE", f"{t}|c6|q|NONE|SOMETHINGNEW|1"])
    by = {c.id: c for c in d.calls.values()}
    assert (by["c1"].outcome, by["c1"].wait_ms) == (TIMEOUT, 9000)
    assert (by["c2"].outcome, by["c2"].detail) == ("exited", "key 5")
    assert (by["c3"].outcome, by["c3"].transferred, by["c3"].talk_ms, by["c3"].detail) == (ANSWERED, True, 29_000,
                                                                                           "200|sales")
    q = queue_counters(d.calls.values())["q"]
    assert (q.offered, q.answered, q.abandoned) == (3, 1, 0)  # a timeout and an exit are not abandons
    assert sum(d.oddities.values()) == 4 and set(by) == {"c1", "c2", "c3"}


def test_the_follower_takes_each_line_once_through_rotation_truncation_and_a_restart(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_text("\n".join(LINES[:5]) + "\n" + LINES[5][:10], "utf-8")  # the 6th line still being written
    tail = FileTail(log)
    assert tail.read() == LINES[:5]
    with log.open("a", encoding="utf-8") as f:
        f.write(LINES[5][10:] + "\n" + LINES[6] + "\n")
    assert tail.read() == LINES[5:7]
    saved = (tail.inode, tail.offset)
    tail.close()
    with log.open("a", encoding="utf-8") as f:  # written while the bridge was down
        f.write(LINES[7] + "\n")
    os.rename(log, tmp_path / "queue_log.1")  # … and rotated while it was down
    log.write_text(LINES[8] + "\n", "utf-8")
    tail = FileTail(log, saved)
    assert tail.read() == LINES[7:9]  # the old file's rest first, then the new one
    with log.open("a", encoding="utf-8") as f:
        f.write(LINES[9] + "\n")
    os.rename(log, tmp_path / "queue_log.2")  # rotated while running, one more line written to the old one
    with (tmp_path / "queue_log.2").open("a", encoding="utf-8") as f:
        f.write(LINES[10] + "\n")
    log.write_text(LINES[11] + "\n", "utf-8")
    assert tail.read() == LINES[9:12] and tail.rotations == 1
    log.write_text(LINES[12] + "\n", "utf-8")  # copytruncate: same file, shorter
    assert tail.read() == [LINES[12]] and tail.truncations == 1
    tail.close()


def test_a_restart_mid_day_loses_nothing_and_counts_nothing_twice(tmp_path: Path) -> None:
    log, db = tmp_path / "queue_log", tmp_path / "h.sqlite"
    log.write_text("\n".join(LINES[:12]) + "\n", "utf-8")
    store = HistoryStore(db)
    h = QueueLogHistory(store, log, DAY0)
    first = h.poll(DAY0)
    assert first is not None and first["sales"].offered == 3 and h.poll(DAY0) is None  # nothing new
    h.close()
    store.close()  # the bridge stops; Asterisk writes on
    with log.open("a", encoding="utf-8") as f:
        f.write("\n".join(LINES[12:]) + "\n")
    store = HistoryStore(db)
    h = QueueLogHistory(store, log, DAY0)
    assert h.counters()["sales"].offered == 3  # today rebuilt from the store before reading on
    after = h.poll(DAY0)
    whole = queue_counters(day_of(LINES).calls.values(), start=DAY0)
    assert after == whole  # the same as one pass over the whole file
    assert len(store.calls(DAY0, DAY0 + 86_400_000)) == 6
    assert sum(1 for _ in store.lines_since("queue_log", 0)) == len(LINES)  # every line stored once
    h.close()
    store.close()


def test_midnight_starts_a_new_day_and_a_caller_counts_in_the_day_it_entered(tmp_path: Path) -> None:
    midnight = 1_796_113_200  # epoch s; the sample's last line is before it
    log, store = tmp_path / "queue_log", HistoryStore(tmp_path / "h.sqlite")
    log.write_text("\n".join([*LINES, f"{midnight - 5}|late|sales|NONE|ENTERQUEUE|||1"]) + "\n", "utf-8")
    h = QueueLogHistory(store, log, DAY0)
    assert h.poll(DAY0)["sales"].offered == 7  # type: ignore[index]
    with log.open("a", encoding="utf-8") as f:
        f.write(f"{midnight + 3}|late|sales|Agent 1001|CONNECT|8|x|0\n{midnight + 4}|new|sales|NONE|ENTERQUEUE|||1\n")
    today = h.poll(midnight * 1000)
    assert today is not None and (today["sales"].offered, today["sales"].answered) == (1, 0)
    yesterday = queue_counters(store.calls(DAY0, midnight * 1000))["sales"]
    assert (yesterday.offered, yesterday.answered) == (7, 6)  # the late caller, answered after midnight
    h.close()
    store.close()


def test_a_store_it_cannot_use_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(HistoryError, match="history store"):
        HistoryStore(tmp_path / "afile" / "h.sqlite")
    store = HistoryStore(tmp_path / "h.sqlite")
    store._db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    store.close()
    with pytest.raises(HistoryError, match="newer than this program"):
        HistoryStore(tmp_path / "h.sqlite")


def test_the_boards_count_from_queue_log_and_a_restarted_bridge_shows_the_same_day(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """A hand-played Asterisk (its AMI snapshot has two calls up) and a queue_log beside it: the boards'
    counters are the file's, not what the bridge happened to see since it started; a second bridge on the same
    store shows the same day at once, and what Asterisk writes meanwhile is added once."""
    import asyncio

    from tests.asterisk.harness import Clock, bridge_and_boards, close, live
    from tests.asterisk.test_bridge import Pbx
    from tests.feed.conftest import wait_until

    log, db = tmp_path / "queue_log", tmp_path / "history.sqlite"
    log.write_text("\n".join(LINES[:12]) + "\n", "utf-8")

    async def one_bridge(expect: tuple[int, int, int], more: list[str] | None = None) -> None:
        clock = Clock(1.0)
        pbx = Pbx()
        store = HistoryStore(db)
        from wallboard.asterisk.floor import AsteriskFloor
        history = QueueLogHistory(store, log, AsteriskFloor(clock(), utc_offset_min=540).day_start_of(clock()))
        bridge, sv, tv = await bridge_and_boards(await pbx.listener.start(), clock, history=history)
        try:
            await wait_until(lambda: live(tv) and "sales" in tv.last.queues, 10, "the floor")
            if more:
                with log.open("a", encoding="utf-8") as f:
                    f.write("\n".join(more) + "\n")
            await wait_until(lambda: (tv.last.queues["sales"].offered, tv.last.queues["sales"].answered,
                                      tv.last.queues["sales"].abandoned) == expect, 5, f"{expect} on the TV")
            q = tv.last.queues["sales"]
            assert not q.interval_partial and q.interval_start == history.day_start  # "today", not "since 10:42"
            await asyncio.sleep(0.5)  # AMI's own events (the recorded calls) must not add to the file's count
            assert (tv.last.queues["sales"].offered, tv.last.queues["sales"].answered) == expect[:2]
        finally:
            await close(bridge, sv, tv, pbx.listener)
            history.close()
            store.close()

    run(lambda: one_bridge((3, 3, 0)))
    run(lambda: one_bridge((6, 5, 1), more=LINES[12:]))  # restarted: the morning kept, the rest added once
