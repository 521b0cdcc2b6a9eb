"""The simulator lands on Erlang A / Erlang C within its stated tolerance.

Tolerance (see wallboard/callcentre/summary.py): |observed − theory| ≤ max(3 × batch-means
standard error, 0.005 for probabilities / 0.5 s for waits), over ≥ 50,000 calls.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from wallboard.callcentre.summary import run_fast
from wallboard.callcentre.traffic import FloorPlan
from wallboard.core.erlang import erlang_a

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("agents", "calls_per_hour", "aht", "patience", "hours"), [
    (14, 200, 180, 300, 400),  # pyworkforce's Erlang A case
    (8, 120, 240, 120, 600),  # DOMAIN.md's table, n = 8
    (12, 120, 240, 120, 600),  # n = 12
    (10, 120, 240, math.inf, 800),  # Erlang C (nobody abandons)
])
def test_summary_agrees_with_erlang(agents: int, calls_per_hour: float, aht: float, patience: float, hours: float) -> None:
    s = run_fast(FloorPlan.erlang(agents, calls_per_hour, aht, patience), hours=hours, seed=11)
    assert s["offered"] >= 50_000
    assert s["agrees_with_erlang_a"], json.dumps(s["agreement"], indent=1)
    assert s["offered"] == s["answered"] + s["abandoned"]


def test_the_tolerance_has_teeth() -> None:
    """One agent more in theory than on the floor must fail the same tolerance."""
    s = run_fast(FloorPlan.erlang(8, 120, 240, 120), hours=600, seed=3)
    wrong = erlang_a(9, 120 / 3600, 240, 120, 20)
    misses = [k for k, v in s["agreement"].items() if abs(s["observed"][k] - getattr(wrong, k)) > v["tolerance"]]
    assert {"p_wait", "p_abandon", "service_level"} <= set(misses)


def test_no_claim_is_made_for_a_non_textbook_floor() -> None:
    s = run_fast(FloorPlan.erlang(8, 120, 240, 120, handle_dist="lognormal"), hours=50, seed=3)
    assert "erlang_a" not in s and "agrees_with_erlang_a" not in s and s["offered"] > 5000


def test_command_line_summary_for_given_parameters() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "wallboard.callcentre.cli", "run", "--erlang", "--agents", "10",
         "--calls-per-hour", "120", "--aht", "240", "--patience", "120", "--hours", "500", "--seed", "4"],
        check=True, capture_output=True, text=True, timeout=300,
    )
    s = json.loads(out.stdout)
    assert s["parameters"]["agents"] == 10 and s["parameters"]["queues"][0]["patience_s"] == 120
    assert s["erlang_a"]["p_abandon"] == pytest.approx(0.0684, abs=1e-4)
    assert s["agrees_with_erlang_a"], s["agreement"]


def test_command_line_rejects_bad_flags_in_one_line() -> None:
    out = subprocess.run([sys.executable, "-m", "wallboard.callcentre.cli", "run", "--erlang", "--agents", "5"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "--erlang needs --calls-per-hour" in out.stderr
    assert "Traceback" not in out.stderr
