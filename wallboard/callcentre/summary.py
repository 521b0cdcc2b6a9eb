"""A checkable summary of a simulated run, beside what Erlang A predicts for it.

The tolerance is stated, not hidden: each observed figure comes with a 95 % interval
from batch means (calls in one batch are correlated, single calls are not
independent), and it "agrees" with theory when the gap is within
``max(3 × batch standard error, floor)``, floors 0.005 for probabilities and 0.5 s
for waits.
"""

from __future__ import annotations

import math
from typing import Any

from ..core.erlang import QueueingFigures, erlang_a
from ..core.model import Call
from ..core.outbound import DEFAULT_RULES, TallyBook, figures
from .dialler import Campaign, Dialler
from .engine import CallCentre
from .traffic import FloorPlan

PROB_FLOOR = 0.005
WAIT_FLOOR_S = 0.5
_FIELDS = ("p_wait", "p_abandon", "mean_wait_s", "asa_s", "service_level")


def _batch_values(b: list[float]) -> dict[str, float]:
    offered, answered, abandoned, waited, in_sl, wait_all, wait_ans = b
    return {
        "p_wait": waited / offered,
        "p_abandon": abandoned / offered,
        "mean_wait_s": wait_all / offered / 1000,
        "asa_s": wait_ans / answered / 1000 if answered else 0.0,
        "service_level": in_sl / offered,
    }


def expected(plan: FloorPlan) -> QueueingFigures | None:
    """Erlang A for plans it describes exactly: one queue, exponential talk, no extras."""
    if len(plan.queues) != 1:
        return None
    q = plan.queues[0]
    textbook = (
        q.handle_dist == "exp" and q.wrapup_s == 0 and plan.ring_s == 0 and plan.hold_prob == 0
        and plan.long_call_prob == 0 and plan.breaks_per_hour == 0 and plan.logouts_per_hour == 0
        and plan.outbound_per_hour == 0 and plan.initially_logged_out == 0 and not plan.time_of_day
    )
    if not textbook:
        return None
    return erlang_a(plan.agents, q.calls_per_hour / 3600, q.aht_s, q.patience_s, q.sl_threshold_s)


def summarise(cc: CallCentre) -> dict[str, Any]:
    batches = [b for b in cc.stats.batches if b[0] > 0]
    totals = [sum(b[i] for b in batches) for i in range(7)]
    out: dict[str, Any] = {
        "parameters": {
            "agents": cc.plan.agents,
            "queues": [
                {"id": q.id, "calls_per_hour": q.calls_per_hour, "aht_s": q.aht_s,
                 "handle_dist": q.handle_dist, "patience_s": q.patience_s if q.patience_s != math.inf else None,
                 "wrapup_s": q.wrapup_s, "sl_threshold_s": q.sl_threshold_s}
                for q in cc.plan.queues
            ],
        },
        "offered": int(totals[0]),
        "answered": int(totals[1]),
        "abandoned": int(totals[2]),
        "batches": len(batches),
    }
    if not totals[0]:
        return out
    observed = _batch_values(totals)
    per_batch = [_batch_values(b) for b in batches]
    se: dict[str, float] = {}
    for name in _FIELDS:
        xs = [v[name] for v in per_batch]
        if len(xs) > 1:
            m = sum(xs) / len(xs)
            se[name] = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1) / len(xs))
        else:
            se[name] = math.inf
    out["observed"] = {k: round(v, 6) for k, v in observed.items()}
    out["ci95"] = {k: [round(observed[k] - 1.96 * se[k], 6), round(observed[k] + 1.96 * se[k], 6)] for k in _FIELDS}
    theory = expected(cc.plan)
    if theory is not None:
        out["erlang_a"] = {k: round(getattr(theory, k), 6) for k in _FIELDS}
        verdict = {}
        for k in _FIELDS:
            floor = WAIT_FLOOR_S if k.endswith("_s") else PROB_FLOOR
            tol = max(3 * se[k], floor)
            verdict[k] = {"gap": round(observed[k] - getattr(theory, k), 6), "tolerance": round(tol, 6),
                          "within": abs(observed[k] - getattr(theory, k)) <= tol}
        out["agreement"] = verdict
        out["agrees_with_erlang_a"] = all(v["within"] for v in verdict.values())
        out["tolerance_rule"] = "|observed - Erlang A| <= max(3 x batch-means standard error, 0.005 or 0.5 s)"
    return out


def run_fast(plan: FloorPlan, hours: float, seed: int, warmup_hours: float = 1.0,
             batches: int = 20, start_ms: int = 0) -> dict[str, Any]:
    """Run ``hours`` of simulated time as fast as the CPU allows and summarise it."""
    span = round(hours * 3_600_000)
    cc = CallCentre(plan, start_ms, seed=seed, publish=False,
                    warmup_ms=round(warmup_hours * 3_600_000), batch_ms=max(1, span // batches))
    cc.advance(start_ms + round(warmup_hours * 3_600_000) + span - 1)
    return summarise(cc)


def run_campaign(campaign: Campaign, hours: float, seed: int) -> dict[str, Any]:
    """An outbound campaign's ``hours`` as fast as the CPU allows, its whiteboard figures summed: what the
    server's outbound desk counts from the same dialler (dials, connects, results by kind, rates)."""
    span = round(hours * 3_600_000)
    d = Dialler(campaign, 0, seed=seed)
    book = TallyBook(DEFAULT_RULES, 0)
    for a in d.agents:
        book.login(a, True, 0)
    step = 60_000
    for t in range(step, span + step, step):
        updates, outcomes = d.advance(min(t, span))
        for u in updates:
            if isinstance(u, Call) and u.agent_id:
                book.dial(u.agent_id, u.id, u.queued_at, u.answered_at is not None)
        for o in outcomes:
            book.outcome(o)
    f = figures(book.tallies(), DEFAULT_RULES, span)
    return {"agents": campaign.agents, "hours": hours, "dials": f.dials, "connects": f.connects,
            "by_kind": dict(sorted(d.stats.by_kind.items())), "positives": f.positives, "negatives": f.negatives,
            "amount": f.amount, "contact_rate": _r(f.contact_rate), "conversion": _r(f.conversion),
            "positives_per_agent_hour": _r(f.per_hour), "dials_per_agent_hour": round(f.dials / campaign.agents / hours, 1)}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)
