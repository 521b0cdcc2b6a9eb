"""The simulator's outbound campaign: seeded, its rates what its flags say, its results counted by the same
outbound desk a bridge uses; and the command lines that set a whiteboard up refuse mistakes in one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wallboard import bridge
from wallboard.callcentre.dialler import Campaign, Dialler
from wallboard.callcentre.summary import run_campaign
from wallboard.core.model import AgentState, Call

T0 = 1_796_137_200_000 + 9 * 3_600_000


def run(d: Dialler, hours: float) -> tuple[list[object], list[object]]:
    updates: list[object] = []
    outcomes: list[object] = []
    for t in range(0, round(hours * 3_600_000), 10_000):
        u, o = d.advance(T0 + t + 10_000)
        updates += u
        outcomes += o
    return updates, outcomes


def test_the_same_seed_dials_the_same_day() -> None:
    a, b = Dialler(Campaign(agents=5), T0, seed=9), Dialler(Campaign(agents=5), T0, seed=9)
    assert run(a, 1) == run(b, 1)
    assert run(Dialler(Campaign(agents=5), T0, seed=10), 1) != run(Dialler(Campaign(agents=5), T0, seed=9), 1)


def test_its_rates_are_its_flags_and_every_attempt_ends_in_one_result() -> None:
    c = Campaign(agents=20, answer_rate=0.4, machine_rate=0.1, dead_rate=0.05, sale_rate=0.1, appointment_rate=0.05)
    d = Dialler(c, T0, seed=2)
    updates, outcomes = run(d, 8)
    calls = {u.id for u in updates if isinstance(u, Call)}
    ended = [u for u in updates if isinstance(u, Call) and u.state == "ended"]
    assert len(outcomes) == len(ended) and d.stats.dials - c.agents <= len(ended) <= d.stats.dials  # some still on
    assert len(calls) == d.stats.dials
    assert {o.call for o in outcomes} <= calls and len({o.id for o in outcomes}) == len(outcomes)  # type: ignore[attr-defined]
    answered = d.stats.connects / d.stats.dials
    assert answered == pytest.approx(0.4, abs=0.03)
    by = d.stats.by_kind
    assert by["machine"] / d.stats.dials == pytest.approx(0.1, abs=0.02)
    positives = (by["sale"] + by["appointment"]) / d.stats.connects
    assert 0.08 < positives < 0.30  # 0.15 for an average agent; skills (lognormal, σ 0.45) lift the mean a little
    assert all(o.amount for o in outcomes if o.kind == "sale")  # type: ignore[attr-defined]
    assert all(u.direction == "out" for u in updates if isinstance(u, Call))
    states = {u.state for u in updates if not isinstance(u, Call)}  # type: ignore[attr-defined]
    assert states >= {AgentState.RINGING.value, AgentState.ON_CALL.value, AgentState.WRAPUP.value,
                      AgentState.AVAILABLE.value, AgentState.PAUSED.value}


def test_the_summary_is_the_desks_count_of_the_same_dialler() -> None:
    s = run_campaign(Campaign(agents=6), 4, seed=3)
    d = Dialler(Campaign(agents=6), 0, seed=3)
    d.advance(4 * 3_600_000)
    assert s["dials"] == d.stats.dials and s["connects"] == d.stats.connects and s["by_kind"] == dict(sorted(d.stats.by_kind.items()))
    assert s["positives"] == d.stats.by_kind.get("sale", 0) + d.stats.by_kind.get("appointment", 0)
    assert s["contact_rate"] == round(d.stats.connects / d.stats.dials, 4)


def test_the_command_line_prints_the_outbound_summary_and_refuses_bad_rates() -> None:
    out = subprocess.run([sys.executable, "-m", "wallboard.callcentre.cli", "run", "--agents", "4", "--hours", "2",
                          "--outbound-agents", "5"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    o = json.loads(out.stdout)["outbound"]
    assert o["agents"] == 5 and o["dials"] > 100 and 0 < o["contact_rate"] < 1
    bad = subprocess.run([sys.executable, "-m", "wallboard.callcentre.cli", "run", "--outbound-agents", "3",
                          "--outbound-answer-rate", "0.8", "--outbound-machine-rate", "0.5"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "add up to more than 1" in bad.stderr.strip().splitlines()[-1]
    assert "Traceback" not in bad.stderr


@pytest.mark.parametrize(("argv", "why"), [
    (["--webhook", "127.0.0.1:8767"], "--webhook needs --webhook-secret-env VAR"),
    (["--webhook", "127.0.0.1:8767", "--webhook-secret-env", "SHORT"], "unset or shorter than 16 characters"),
    (["--webhook-secret-env", "HOOK"], "--webhook-secret-env without --webhook"),
    (["--webhook", "nowhere", "--webhook-secret-env", "HOOK"], "--webhook: expected HOST:PORT"),
])
def test_the_bridges_webhook_flags_are_refused_in_one_line(argv: list[str], why: str, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AMI", "s3cret")
    monkeypatch.setenv("HOOK", "a-long-enough-shared-secret")
    monkeypatch.setenv("SHORT", "short")
    with pytest.raises(SystemExit) as e:
        bridge.main(["--ami-secret-env", "AMI", "--no-history", *argv, "--check"])
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert why in err[-1] and "Traceback" not in "".join(err)


def test_the_bridge_checks_its_outbound_table(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    monkeypatch.setenv("AMI", "s3cret")
    monkeypatch.setenv("HOOK", "a-long-enough-shared-secret")
    good = tmp_path / "good.toml"
    good.write_text('[outbound]\nheadline = "受注"\nkinds = [{ id = "juchu", label = "受注", positive = true }]\n', "utf-8")
    assert bridge.main(["--ami-secret-env", "AMI", "--no-history", "--config", str(good), "--webhook", "127.0.0.1:0",
                        "--webhook-secret-env", "HOOK", "--check"]) == 0
    assert "outcome webhook on 127.0.0.1:0" in capsys.readouterr().out
    for text, why in (('[outbound]\ngoal = 3\n', "outbound.goal: unknown setting"),
                      ('[outbound]\nkinds = [{ id = "a b" }]\n', "outbound"),
                      ('[outbound]\nkinds = [{ id = "a" }, { id = "a" }]\n', "each id once")):
        bad = tmp_path / "bad.toml"
        bad.write_text(text, "utf-8")
        with pytest.raises(SystemExit):
            bridge.main(["--ami-secret-env", "AMI", "--no-history", "--config", str(bad), "--check"])
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) >= 1 and why in err[-1] and "Traceback" not in "".join(err)
