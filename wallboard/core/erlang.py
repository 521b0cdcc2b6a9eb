"""Erlang C (M/M/n) and Erlang A (M/M/n+M) figures, exact, to check the simulator.

Erlang A is solved on its birth-death chain: with ``k`` callers in the system the
death rate is ``min(k, n)·μ + max(k − n, 0)·θ``. An arriving caller sees the
stationary distribution (PASTA). A caller who finds ``j`` others waiting is served
with probability ``Π_{m=0..j} (nμ + mθ) / (nμ + (m+1)θ)``; its chance of being served
within ``t`` comes from the same pure-death chain by uniformisation. ``E[W]`` over all
callers is ``P(abandon)/θ`` (exact for exponential patience).

All times are in seconds. Checked against pyworkforce's published values in
``tests/core/test_erlang.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class QueueingFigures:
    p_wait: float  # P(W > 0)
    p_abandon: float
    mean_wait_s: float  # E[W] over all callers (answered and abandoned)
    asa_s: float  # mean wait of answered callers
    service_level: float  # P(answered within t) over all offered callers
    occupancy: float  # busy agents / n


def erlang_b(n: int, load: float) -> float:
    b = 1.0
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(n: int, rate_per_s: float, aht_s: float, sl_t_s: float) -> QueueingFigures:
    load = rate_per_s * aht_s
    if load >= n:
        raise ValueError(f"offered load {load:.2f} Erl needs more than {n} agents for Erlang C")
    b = erlang_b(n, load)
    c = n * b / (n - load * (1 - b))
    asa = c * aht_s / (n - load)
    sl = 1 - c * math.exp(-(n - load) * sl_t_s / aht_s)
    return QueueingFigures(c, 0.0, asa, asa, sl, load / n)


def erlang_a(
    n: int, rate_per_s: float, aht_s: float, patience_s: float, sl_t_s: float
) -> QueueingFigures:
    if patience_s == math.inf:
        return erlang_c(n, rate_per_s, aht_s, sl_t_s)
    lam, mu, theta = rate_per_s, 1.0 / aht_s, 1.0 / patience_s
    # Stationary distribution, unnormalised, in logs to survive large n.
    logp = [0.0]
    k = 0
    while True:
        k += 1
        death = min(k, n) * mu + max(k - n, 0) * theta
        logp.append(logp[-1] + math.log(lam / death))
        if k > n and logp[-1] < max(logp) - 40:
            break
    top = max(logp)
    p = [math.exp(x - top) for x in logp]
    z = sum(p)
    p = [x / z for x in p]
    waiting = p[n:]  # an arrival finds j = k − n callers already waiting
    p_wait = sum(waiting)
    served_if = []
    prod = 1.0
    for j in range(len(waiting)):
        prod *= (n * mu + j * theta) / (n * mu + (j + 1) * theta)
        served_if.append(prod)
    p_served_delayed = sum(w * s for w, s in zip(waiting, served_if))
    p_ab = p_wait - p_served_delayed
    mean_wait = p_ab / theta
    # Waits of answered callers: E[W] = P(ans)·E[W|ans] + P(ab)·E[W|ab] is not separable
    # in closed form here; take E[W·1{answered}] from the pure-death chain below.
    sl, answered_wait = _delayed_service(n * mu, theta, waiting, sl_t_s)
    p_answered = 1 - p_ab
    busy = sum(min(k, n) * pk for k, pk in enumerate(p))
    return QueueingFigures(
        p_wait=p_wait,
        p_abandon=p_ab,
        mean_wait_s=mean_wait,
        asa_s=answered_wait / p_answered,
        service_level=(1 - p_wait) + sl,
        occupancy=busy / n,
    )


def _delayed_service(
    service_rate: float, theta: float, waiting: list[float], t: float
) -> tuple[float, float]:
    """P(delayed and served within t) and E[W · 1{delayed and served}].

    State m = callers still ahead (0 = at the head). From m: rate ``service_rate + mθ``
    to m − 1 (or to *served* from 0), rate θ to *abandoned*.
    """
    size = len(waiting)
    # E[W·1{served}] by first-step analysis from the top state down.
    # For a caller at m: T_m = sojourn; served prob s_m; E[W 1{served}] e_m.
    s_prev, e_prev = 1.0, 0.0  # "served" absorbing: prob 1, no more wait
    es = []
    for m in range(size):
        out = service_rate + m * theta + theta
        go = (service_rate + m * theta) / out
        s_m = go * s_prev
        e_m = go * (e_prev + s_prev / out)
        es.append(e_m)
        s_prev, e_prev = s_m, e_m
    answered_wait = sum(w * e for w, e in zip(waiting, es))

    # Uniformisation for P(served by t).
    big = service_rate + size * theta + theta
    lt = big * t
    v = list(waiting)
    served = 0.0
    weight = math.exp(-lt)  # Poisson(lt) pmf at step 0
    sl = 0.0
    step = 0
    cumulative = weight
    while True:
        sl += weight * served
        if cumulative > 1 - 1e-13 or step > 100_000:
            break
        new = [0.0] * size
        for m, mass in enumerate(v):
            if mass == 0.0:
                continue
            down = (service_rate + m * theta) / big
            ab = theta / big
            new[m] += mass * (1 - down - ab)
            if m == 0:
                served += mass * down
            else:
                new[m - 1] += mass * down
        v = new
        step += 1
        weight *= lt / step
        cumulative += weight
    sl += (1 - cumulative) * served
    return sl, answered_wait
