"""Outbound results: an outcome is checked field by field, counted once, and the day's figures follow the
definitions (contact rate, conversion, results per logged-in hour) — from a scripted day with known answers."""

from __future__ import annotations

import pytest

from wallboard.core.outbound import (
    DEFAULT_RULES,
    Kind,
    Outcome,
    OutcomeRefused,
    TallyBook,
    figures,
    outcome_from,
    rules_from,
)
from wallboard.core.protocol import TallyUpdate, Whiteboard, decode_server, encode

DAY = 1_796_137_200_000  # 2026-12-01 00:00 JST
H = 3_600_000
NOW = DAY + 10 * H


def good(**kw: object) -> dict[str, object]:
    return {"id": "crm-1", "agent": "a01", "kind": "sale", "amount": "38,000", "campaign": "春", **kw}


def test_an_outcome_is_read_from_loose_fields_with_its_amount_and_time() -> None:
    o = outcome_from(good(), NOW, DEFAULT_RULES)
    assert o == Outcome(id="crm-1", agent="a01", kind="sale", at=NOW, campaign="春", amount=38_000.0)
    assert outcome_from(good(amount=1200.5, at=str(NOW - 5), call="1795.1"), NOW, DEFAULT_RULES).amount == 1200.5
    assert outcome_from(good(amount="¥9,800", at=NOW - 5), NOW, DEFAULT_RULES).at == NOW - 5
    assert outcome_from(good(amount=None), NOW, DEFAULT_RULES).amount is None


@pytest.mark.parametrize(("fields", "why"), [
    ({"id": ""}, "no id"),
    ({"agent": None}, "no agent"),
    ({"kind": "win"}, "kind 'win' is not one of this centre's"),
    ({"kind": "sale;drop"}, "kind 'sale;drop' is not one of"),
    ({"amount": "lots"}, "amount must be a number"),
    ({"amount": -5}, "amount must be a number from 0"),
    ({"amount": "nan"}, "amount must be a number from 0"),
    ({"amount": True}, "amount must be a number"),
    ({"at": "yesterday"}, "at must be epoch milliseconds"),
    ({"at": NOW + 3_600_000}, "at is in the future"),
    ({"id": "x" * 129}, "id must be text of at most 128"),
    ({"agent": "a\x00b"}, "agent must be text"),
    ({"campaign": 5}, "campaign must be text"),
])
def test_each_bad_field_is_refused_by_name(fields: dict[str, object], why: str) -> None:
    with pytest.raises(OutcomeRefused, match=why.replace("(", r"\(")):
        outcome_from(good(**fields), NOW, DEFAULT_RULES)


def test_a_centres_own_kinds_and_labels_are_checked() -> None:
    rules = rules_from({"kinds": [{"id": "juchu", "label": "受注", "positive": True, "connected": True},
                                  {"id": "ng", "positive": False, "connected": True}, {"id": "fuzai"}],
                        "goals": {"agent": 2, "teams": {"東京": 10}}, "headline": "受注"})
    assert rules.kind("juchu") == Kind(id="juchu", label="受注", positive=True, connected=True)
    assert rules.goals.of_team("東京", 3) == 10 and rules.goals.of_team("大阪", 3) == 6
    with pytest.raises(OutcomeRefused, match="each id once"):
        rules_from({"kinds": [{"id": "a"}, {"id": "a"}]})
    with pytest.raises(OutcomeRefused, match="outbound"):
        rules_from({"kinds": [{"id": "bad id"}]})


def scripted_day() -> TallyBook:
    """Two agents' morning, every number known: a01 logged in 09:00–12:00 (3 h), a02 from 09:00, still in."""
    book = TallyBook(DEFAULT_RULES, DAY)
    book.login("a01", True, DAY + 9 * H)
    book.login("a02", True, DAY + 9 * H)
    for i in range(10):  # a01: 10 dials, 4 answered
        book.dial("a01", f"c1-{i}", DAY + 9 * H + i * 60_000, connected=i < 4)
    for i, kind in enumerate(("sale", "appointment", "refused", "callback", "no_answer")):
        book.outcome(Outcome(id=f"o1-{i}", agent="a01", kind=kind, at=DAY + 10 * H, call=f"c1-{i}",
                             amount=38_000 if kind == "sale" else None))
    book.login("a01", False, DAY + 12 * H)
    # a02: outcomes only (a PBX whose outbound calls are not on the floor): each is an attempt of its own
    for i, kind in enumerate(("sale", "sale", "refused", "refused", "machine", "dead")):
        book.outcome(Outcome(id=f"o2-{i}", agent="a02", kind=kind, at=DAY + 11 * H, amount=10_000 if kind == "sale" else None))
    return book


def test_a_scripted_day_gives_the_defined_figures() -> None:
    book = scripted_day()
    now = DAY + 13 * H
    a01 = figures([book.tally("a01")], DEFAULT_RULES, now, goal=4)
    # dials: 10 calls (the outcomes name 4 of them, and o1-4's call c1-4 too): still 10; connects: 4 answered
    assert (a01.dials, a01.connects, a01.positives, a01.negatives, a01.amount) == (10, 4, 2, 1, 38_000.0)
    assert a01.contact_rate == pytest.approx(0.4) and a01.conversion == pytest.approx(2 / 3)
    assert a01.per_hour == pytest.approx(2 / 3)  # 2 results in 3 logged-in hours
    assert a01.goal_share == pytest.approx(0.5)
    a02 = figures([book.tally("a02")], DEFAULT_RULES, now)
    assert (a02.dials, a02.connects, a02.positives, a02.negatives) == (6, 4, 2, 2)  # machine, dead: not connected
    assert a02.per_hour == pytest.approx(2 / 4)  # logged in 09:00 to now (13:00)
    team = figures([book.tally("a01"), book.tally("a02")], DEFAULT_RULES, now)
    assert (team.dials, team.positives, team.amount) == (16, 4, 58_000.0)
    assert team.per_hour == pytest.approx(4 / 7)


def test_an_outcome_counts_once_and_only_on_its_day() -> None:
    book = scripted_day()
    before = book.tally("a01")
    assert not book.outcome(Outcome(id="o1-0", agent="a01", kind="sale", at=DAY + 11 * H, amount=99))  # a replay
    assert not book.outcome(Outcome(id="old", agent="a01", kind="sale", at=DAY - 1))  # yesterday's
    assert book.tally("a01") == before
    assert not book.dial("a01", "c1-0", DAY + 9 * H, connected=True)  # the same call again: nothing changes


def test_midnight_starts_every_tally_again_and_keeps_who_is_logged_in() -> None:
    book = scripted_day()
    book.new_day(DAY + 24 * H)
    assert not book.tallies()  # nobody dialled yet today
    assert book.tally("a02").login_since == DAY + 24 * H and book.tally("a01").login_since is None
    assert book.outcome(Outcome(id="o1-0", agent="a01", kind="sale", at=DAY + 25 * H))  # a new day's id space


def test_the_frames_carry_tallies_and_rules_exactly() -> None:
    book = scripted_day()
    wb = Whiteboard(ts=NOW, rules=DEFAULT_RULES, tallies=tuple(book.tallies()))
    back = decode_server(encode(wb))
    assert isinstance(back, Whiteboard) and back == wb
    tu = TallyUpdate(ts=NOW, tally=book.tally("a01"), outcome=Outcome(id="o", agent="a01", kind="sale", at=NOW))
    assert decode_server(encode(tu)) == tu
