from __future__ import annotations

import pytest

from tests.helpers import T0, agent, call, queue
from wallboard.core.metrics import SLFormula, floor_figures, seconds_since
from wallboard.core.model import AgentState


def test_figures_per_queue_and_total() -> None:
    queues = {
        "q1": queue("q1", offered=100, answered=85, abandoned=10, answered_in_sl=70, abandoned_in_sl=4,
                    wait_answered_ms=85 * 12_000, handled=80, handle_ms=80 * 300_000),
        "q2": queue("q2", offered=50, answered=50, answered_in_sl=50, sl_threshold_s=30),
    }
    calls = [
        call("c1", "q1", "queued", queued_at=T0 - 95_000),
        call("c2", "q1", "ringing", queued_at=T0 - 10_000, agent_id="a2"),
        call("c3", "q1", "connected", queued_at=T0 - 500_000, agent_id="a1"),
        call("c4", "q2", "queued", queued_at=T0 - 5_000),
    ]
    agents = [
        agent("a1", "on_call", queues=("q1",)), agent("a2", "ringing", queues=("q1", "q2")),
        agent("a3", "available", queues=("q2",)), agent("a4", "logged_out", queues=("q2",)),
    ]
    figs = floor_figures(agents, queues, calls, T0)
    q1, q2 = figs.queues
    assert (q1.waiting, q1.longest_wait_s) == (2, 95.0)
    assert q1.abandon_rate == pytest.approx(10 / 100)
    # default: answered within T / (answered + abandoned after T)
    assert q1.service_level == pytest.approx(70 / (85 + 10 - 4))
    assert q1.asa_s == pytest.approx(12.0) and q1.aht_s == pytest.approx(300.0)
    assert q1.agents_by_state == {AgentState.ON_CALL: 1, AgentState.RINGING: 1}
    assert (q2.waiting, q2.longest_wait_s, q2.abandon_rate, q2.service_level) == (1, 5.0, 0.0, 1.0)
    assert q2.logged_in == 2 and q2.available == 1
    t = figs.total
    assert (t.waiting, t.longest_wait_s, t.offered, t.abandoned) == (3, 95.0, 150, 10)
    assert t.sl_threshold_s is None  # thresholds differ: the total says so, not a made-up T
    assert t.service_level == pytest.approx(120 / (135 + 10 - 4))
    assert t.agents_by_state[AgentState.LOGGED_OUT] == 1


def test_the_other_service_level_form() -> None:
    q = {"q": queue("q", offered=100, answered=80, abandoned=20, answered_in_sl=60, abandoned_in_sl=15)}
    f = floor_figures([], q, [], T0, SLFormula.ANSWERED_OVER_OFFERED).queues[0]
    assert f.service_level == pytest.approx(60 / 100)
    g = floor_figures([], q, [], T0).queues[0]
    assert g.service_level == pytest.approx(60 / (80 + 5))


def test_short_abandons_are_left_out() -> None:
    q = {"q": queue("q", short_abandon_s=5, offered=100, answered=80, abandoned=20, abandoned_short=8,
                    answered_in_sl=60, abandoned_in_sl=15)}
    f = floor_figures([], q, [], T0, SLFormula.ANSWERED_OVER_OFFERED).queues[0]
    assert (f.offered, f.abandoned) == (92, 12)
    assert f.abandon_rate == pytest.approx(12 / 92) and f.service_level == pytest.approx(60 / 92)


def test_an_empty_queue_shows_no_invented_numbers() -> None:
    f = floor_figures([], {"q": queue("q")}, [], T0).queues[0]
    assert (f.waiting, f.longest_wait_s, f.abandon_rate, f.service_level, f.asa_s, f.aht_s) == (0, None, None, None, None, None)


def test_longest_wait_follows_the_given_clock_and_never_goes_negative() -> None:
    q = {"q": queue("q")}
    c = [call("c", "q", queued_at=T0)]
    assert floor_figures([], q, c, T0 + 61_000).queues[0].longest_wait_s == 61.0
    assert floor_figures([], q, c, T0 - 2_000).queues[0].longest_wait_s == 0.0
    assert seconds_since(T0, T0 + 1500) == 1.5
