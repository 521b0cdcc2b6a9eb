from __future__ import annotations

import pytest

from tests.helpers import T0, agent, call, queue
from wallboard.core.alerts import AlertBook, AlertRules, Level, QueueRules, RuleError, Threshold, rules_from_dict
from wallboard.core.metrics import floor_figures

S = 1000


def on_call(aid: str = "a1", started: int = T0, q: str = "q1") -> tuple[dict, dict]:  # type: ignore[type-arg]
    a = agent(aid, "on_call", since=started, call_id="c1", queues=(q,))
    c = call("c1", q, "connected", queued_at=started - 5 * S, agent_id=aid, answered_at=started)
    return {aid: a}, {"c1": c}


def test_a_long_call_escalates_warn_then_critical_then_flashes() -> None:
    book = AlertBook(AlertRules(default=QueueRules(talk=Threshold(600, 1200)), flash_after_s=30))
    agents, calls = on_call()
    assert book.update(agents.values(), calls, None, T0 + 599 * S) == []
    [a] = book.update(agents.values(), calls, None, T0 + 600 * S)
    assert (a.kind, a.subject, a.level, a.agent_id, a.queue_id) == ("talk", "a1", Level.WARN, "a1", "q1")
    [a] = book.update(agents.values(), calls, None, T0 + 1200 * S)
    assert a.level is Level.CRITICAL and a.raised_ms == T0 + 600 * S and a.level_ms == T0 + 1200 * S
    assert not a.flashing(T0 + 1229 * S, 30) and a.flashing(T0 + 1230 * S, 30)
    acked = book.acknowledge(a.key, "sv-tanaka", T0 + 1231 * S)
    assert acked is not None and acked.acked_by == "sv-tanaka" and not acked.flashing(T0 + 1300 * S, 30)
    [a] = book.update(agents.values(), calls, None, T0 + 1300 * S)
    assert a.acked_by == "sv-tanaka"  # the acknowledgement survives re-evaluation


def test_the_call_ending_clears_the_alert() -> None:
    book = AlertBook()
    agents, calls = on_call()
    assert book.update(agents.values(), calls, None, T0 + 700 * S)
    assert book.update([agent("a1", "wrapup", since=T0 + 701 * S)], {}, None, T0 + 702 * S) == []


def test_hysteresis_and_cooldown_stop_flapping() -> None:
    rules = AlertRules(default=QueueRules(waiting_count=Threshold(5, 10)), hysteresis=0.2, cooldown_s=60)
    book = AlertBook(rules)
    qs = {"q1": queue("q1")}

    def waiting(n: int, at: int) -> list:  # type: ignore[type-arg]
        cs = {f"c{i}": call(f"c{i}", "q1", queued_at=at) for i in range(n)}
        return [x for x in book.update([], cs, floor_figures([], qs, cs.values(), at), at) if x.kind == "waiting_count"]

    assert waiting(5, T0)[0].level is Level.WARN
    assert waiting(4, T0 + 1 * S)[0].level is Level.WARN  # 4 >= 5 x 0.8: held
    assert waiting(3, T0 + 2 * S) == []  # below the margin: cleared
    assert waiting(5, T0 + 30 * S) == []  # cooling down
    assert waiting(10, T0 + 31 * S)[0].level is Level.CRITICAL  # critical breaks through
    assert waiting(3, T0 + 32 * S) == []
    assert waiting(5, T0 + 93 * S)[0].level is Level.WARN  # cooldown over


def test_help_flag_is_critical_at_once() -> None:
    [a] = AlertBook().update([agent("a1", "on_call", help=True, queues=("q1",))], {}, None, T0)
    assert (a.kind, a.level) == ("help", Level.CRITICAL)


def test_per_queue_rules_and_pause_reasons() -> None:
    rules = rules_from_dict({"default": {"talk": {"warn": 600, "critical": 1200}},
                             "queues": {"complaints": {"talk": {"warn": 1500, "critical": 2400}}}})
    book = AlertBook(rules)
    agents, calls = on_call(q="complaints")
    assert book.update(agents.values(), calls, None, T0 + 1000 * S) == []  # complaints take longer
    assert book.update(agents.values(), calls, None, T0 + 1500 * S)[0].level is Level.WARN
    with pytest.raises(RuleError, match="critical \\(1200\\) is below warn \\(1500\\)"):
        rules_from_dict({"queues": {"complaints": {"talk": {"warn": 1500}}}})  # inherits critical 1200
    lunch = agent("a2", "paused", reason="lunch", since=T0, queues=("q1",))
    brk = agent("a3", "paused", reason="break", since=T0, queues=("q1",))
    out = AlertBook().update([lunch, brk], {}, None, T0 + 1000 * S)
    assert [(x.subject, x.level) for x in out] == [("a3", Level.WARN)]  # a 16-minute lunch is fine


def test_service_level_below_target() -> None:
    qs = {"q1": queue("q1", sl_target_pct=80, offered=100, answered=100, answered_in_sl=75)}
    figs = floor_figures([], qs, [], T0)
    [a] = AlertBook().update([], {}, figs, T0)
    assert (a.kind, a.level, a.value) == ("service_level", Level.WARN, 75.0)
    qs2 = {"q1": queue("q1", sl_target_pct=80, offered=100, answered=100, answered_in_sl=65)}
    assert AlertBook().update([], {}, floor_figures([], qs2, [], T0), T0)[0].level is Level.CRITICAL


@pytest.mark.parametrize(("raw", "message"), [
    ({"default": {"talk": {"warn": -5}}}, "alerts.default.talk.warn: expected a number"),
    ({"default": {"talk": {"warn": 900, "critical": 600}}}, "alerts.default.talk: critical (600) is below warn (900)"),
    ({"default": {"talk": 600}}, "alerts.default.talk: expected a table"),
    ({"default": {"tlak": {"warn": 1}}}, "alerts.default.tlak: unknown rule"),
    ({"queues": {"sales": {"hold": {"warn": "soon"}}}}, "alerts.queues.sales.hold.warn: expected a number"),
    ({"queues": {"sales": {"service_level": {"warn_below": 120}}}}, "alerts.queues.sales.service_level.warn_below"),
    ({"default": {"pause_reasons": {"lunch": {"warn": 10, "critical": 5}}}}, "alerts.default.pause_reasons.lunch"),
    ({"cooldown": 5}, "alerts.cooldown: unknown setting"),
    ({"hysteresis": 1.5}, "alerts.hysteresis: a fraction below 1"),
])
def test_a_bad_rule_is_named(raw: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(RuleError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        rules_from_dict(raw)


def test_the_shipped_example_rules_parse() -> None:
    import tomllib
    from pathlib import Path

    raw = tomllib.loads((Path(__file__).parents[2] / "resources" / "alert-rules.example.toml").read_text())
    rules = rules_from_dict(raw["alerts"])
    assert rules.for_queue("complaints").talk == Threshold(1200, 2400)
    assert rules.for_queue("sales").pause_reasons["lunch"] == Threshold(3600, 4500)


def test_an_alert_seen_first_mid_episode_is_stamped_from_the_data() -> None:
    """Issue 12 item 10: a board started during a 25-minute call shows its alert raised at 10:00 into the
    call and critical at 20:00, not both at the board's start."""
    book = AlertBook(AlertRules(default=QueueRules(talk=Threshold(600, 1200))))
    agents, calls = on_call()
    [a] = book.update(agents.values(), calls, None, T0 + 1500 * S)
    assert (a.level, a.raised_ms, a.level_ms) == (Level.CRITICAL, T0 + 600 * S, T0 + 1200 * S)
    assert a.flashing(T0 + 1500 * S, 30)  # critical for 5 minutes already, nobody acknowledged


def test_a_servers_acknowledgement_covers_the_level_it_saw() -> None:
    """Item 9: acknowledged at a desk, every board (a wall TV) shows it acknowledged and stops flashing;
    a higher level reached after the acknowledgement needs another."""
    from wallboard.core.protocol import AlertAck
    book = AlertBook(AlertRules(default=QueueRules(talk=Threshold(600, 1200)), flash_after_s=30))
    agents, calls = on_call()
    book.update(agents.values(), calls, None, T0 + 700 * S)
    acks = {("talk", "a1"): AlertAck(ts=T0 + 701 * S, kind="talk", subject="a1", by="田中 (SV)", at=T0 + 701 * S)}
    [a] = book.update(agents.values(), calls, None, T0 + 702 * S, acks)
    assert (a.acked_by, a.acked_ms) == ("田中 (SV)", T0 + 701 * S)
    [a] = book.update(agents.values(), calls, None, T0 + 1250 * S, acks)  # critical since 1200 s: a new level
    assert a.level is Level.CRITICAL and a.acked_by is None and a.flashing(T0 + 1250 * S, 30)
    acks[("talk", "a1")] = AlertAck(ts=T0 + 1260 * S, kind="talk", subject="a1", by="佐藤", at=T0 + 1260 * S)
    [a] = book.update(agents.values(), calls, None, T0 + 1261 * S, acks)
    assert a.acked_by == "佐藤" and not a.flashing(T0 + 1300 * S, 30)
