"""The formulas the simulator is checked against, checked against DOMAIN.md's values."""

import math

import pytest

from wallboard.core.erlang import erlang_a, erlang_c


def test_erlang_c_pyworkforce_values() -> None:
    f = erlang_c(14, 100 / 1800, 180, 20)
    assert (round(f.p_wait, 3), round(f.service_level, 3), round(f.occupancy, 3)) == (0.174, 0.888, 0.714)
    g = erlang_c(15, 100 / 1800, 180, 20)
    assert (round(g.p_wait, 3), round(g.service_level, 3), round(g.occupancy, 3)) == (0.102, 0.941, 0.667)


def test_erlang_a_pyworkforce_values() -> None:
    f = erlang_a(14, 100 / 1800, 180, 300, 20)
    assert f.p_wait == pytest.approx(0.14526, abs=5e-6)
    assert f.p_abandon == pytest.approx(0.013984, abs=5e-7)
    assert f.mean_wait_s / 60 == pytest.approx(0.069919, abs=5e-7)
    assert f.service_level == pytest.approx(0.916792, abs=5e-7)


@pytest.mark.parametrize(("n", "p_wait", "p_ab", "wait_s", "sl"), [
    (6, .7135, .3156, 37.9, .3764), (8, .4719, .1627, 19.5, .6263), (10, .2475, .0684, 8.2, .8252),
    (12, .1005, .0229, 2.7, .9372),
])
def test_erlang_a_domain_table(n: int, p_wait: float, p_ab: float, wait_s: float, sl: float) -> None:
    f = erlang_a(n, 2 / 60, 240, 120, 20)
    assert (round(f.p_wait, 4), round(f.p_abandon, 4), round(f.mean_wait_s, 1), round(f.service_level, 4)) == (
        p_wait, p_ab, wait_s, sl)


def test_without_abandonment_erlang_a_is_erlang_c() -> None:
    assert erlang_a(10, 2 / 60, 240, math.inf, 20) == erlang_c(10, 2 / 60, 240, 20)
    c = erlang_c(10, 2 / 60, 240, 20)
    assert (round(c.p_wait, 4), round(c.asa_s, 1), round(c.service_level, 4)) == (.4092, 49.1, .6536)
    # Erlang A with very patient callers approaches Erlang C
    assert erlang_a(10, 2 / 60, 240, 1e7, 20).p_wait == pytest.approx(c.p_wait, abs=1e-3)


def test_overload_without_abandonment_is_an_error() -> None:
    with pytest.raises(ValueError, match="more than 8 agents"):
        erlang_c(8, 2 / 60, 240, 20)
