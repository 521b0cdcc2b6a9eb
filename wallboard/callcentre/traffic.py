"""Traffic parameters of the embedded call centre, and the demo floor.

Kept apart from the engine so the command line, the demo and the tests describe a
floor the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: Relative arrival intensity per local hour (peak = 1.0): a typical inbound day with
#: a morning and an early-afternoon peak, quiet at night.
OFFICE_DAY: tuple[float, ...] = (
    0.05, 0.03, 0.02, 0.02, 0.03, 0.06, 0.15, 0.35, 0.70, 0.95, 1.00, 0.90,
    0.70, 0.85, 0.95, 0.85, 0.70, 0.55, 0.40, 0.30, 0.20, 0.14, 0.10, 0.07,
)

BREAK_REASONS: tuple[tuple[str, float, float], ...] = (
    # reason, share, mean minutes
    ("break", 0.55, 10.0),
    ("lunch", 0.15, 45.0),
    ("meeting", 0.12, 20.0),
    ("training", 0.08, 30.0),
    ("coaching", 0.10, 15.0),
)


@dataclass(frozen=True, slots=True)
class QueueTraffic:
    id: str
    name: str
    calls_per_hour: float
    aht_s: float = 240.0  # talk + hold + wrap-up
    handle_dist: str = "exp"  # "exp" | "lognormal"
    handle_sigma: float = 0.6  # lognormal shape
    patience_s: float = 120.0  # mean; math.inf = nobody abandons
    wrapup_s: float = 0.0  # fixed after-call work, part of aht_s
    sl_threshold_s: int = 20
    sl_target_pct: float = 80.0
    short_abandon_s: int = 0

    def __post_init__(self) -> None:
        if self.calls_per_hour < 0:
            raise ValueError(f"queue {self.id}: calls_per_hour must be ≥ 0")
        if self.aht_s <= 0 or self.wrapup_s < 0 or self.wrapup_s >= self.aht_s:
            raise ValueError(f"queue {self.id}: need 0 ≤ wrapup_s < aht_s and aht_s > 0")
        if self.patience_s <= 0:
            raise ValueError(f"queue {self.id}: patience_s must be > 0 (inf for none)")
        if self.handle_dist not in ("exp", "lognormal"):
            raise ValueError(f"queue {self.id}: handle_dist must be exp or lognormal")


@dataclass(frozen=True, slots=True)
class FloorPlan:
    """Everything that shapes a simulated floor. Defaults are the lively demo."""

    queues: tuple[QueueTraffic, ...]
    agents: int
    teams: int = 4
    multi_skill: float = 0.3  # share of agents with a second queue
    ring_s: float = 2.0  # an offered call rings this long before it connects
    hold_prob: float = 0.15
    hold_mean_s: float = 40.0
    long_call_prob: float = 0.004  # a very long (complaint) call
    long_call_min_s: float = 15 * 60.0
    long_call_max_s: float = 40 * 60.0
    breaks_per_hour: float = 0.5  # per logged-in agent
    logouts_per_hour: float = 0.05
    outbound_per_hour: float = 0.3  # agent-initiated callbacks
    help_prob: float = 0.3  # share of long calls on which the agent raises a help flag
    time_of_day: bool = False
    utc_offset_min: int = 540  # the centre's time zone (JST): "today" starts at its midnight
    initially_logged_out: float = 0.05
    names: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.agents < 1:
            raise ValueError("a floor needs at least one agent")
        if not self.queues:
            raise ValueError("a floor needs at least one queue")
        ids = [q.id for q in self.queues]
        if len(set(ids)) != len(ids):
            raise ValueError("queue ids must be unique")
        for name in ("multi_skill", "hold_prob", "long_call_prob", "help_prob", "initially_logged_out"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be between 0 and 1")

    @classmethod
    def erlang(cls, agents: int, calls_per_hour: float, aht_s: float, patience_s: float,
               sl_threshold_s: int = 20, handle_dist: str = "exp") -> FloorPlan:
        """One queue, no ringing, breaks, holds, wrap-up or long calls: textbook M/M/n+M."""
        return cls(
            queues=(QueueTraffic("q1", "Queue 1", calls_per_hour, aht_s, handle_dist,
                                 patience_s=patience_s, sl_threshold_s=sl_threshold_s),),
            agents=agents, teams=1, multi_skill=0.0, ring_s=0.0, hold_prob=0.0,
            long_call_prob=0.0, breaks_per_hour=0.0, logouts_per_hour=0.0,
            outbound_per_hour=0.0, help_prob=0.0, initially_logged_out=0.0,
        )


SURNAMES = (
    "Sato", "Suzuki", "Takahashi", "Tanaka", "Ito", "Watanabe", "Yamamoto", "Nakamura",
    "Kobayashi", "Kato", "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue",
    "Kimura", "Hayashi", "Shimizu", "Yamazaki", "Mori", "Abe", "Ikeda", "Hashimoto",
    "Ishikawa", "Ogawa", "Okada", "Goto", "Hasegawa", "Murakami", "Kondo", "Ishii",
)
GIVEN = (
    "Aiko", "Daiki", "Emi", "Haruto", "Hina", "Kenta", "Mai", "Ren", "Saki", "Sota",
    "Yui", "Yuto", "Kaito", "Mio", "Riku", "Nana", "Takumi", "Rina", "Shota", "Yuka",
)


#: The same names in kanji, for a Japanese demo (same order as SURNAMES and GIVEN).
SURNAMES_JA = (
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口",
    "松本", "井上", "木村", "林", "清水", "山崎", "森", "阿部", "池田", "橋本", "石川", "小川", "岡田", "後藤",
    "長谷川", "村上", "近藤", "石井",
)
GIVEN_JA = (
    "愛子", "大輝", "恵美", "陽翔", "陽菜", "健太", "舞", "蓮", "咲", "颯太",
    "結衣", "悠斗", "海斗", "美緒", "陸", "奈々", "拓海", "里奈", "翔太", "由佳",
)
assert len(SURNAMES_JA) == len(SURNAMES) and len(GIVEN_JA) == len(GIVEN)
#: The demo's queue names, as a Japanese centre would show them (ids stay the same).
QUEUE_NAMES_JA = {"sales": "営業", "support": "サポート", "billing": "請求", "complaints": "クレーム対応",
                  "tech": "技術", "orders": "注文"}


def demo_plan(agents: int = 48, queues: int = 4, load: float = 0.93, time_of_day: bool = False,
              language: str = "en") -> FloorPlan:
    """A busy but sane floor: ``load`` is offered Erlangs per logged-in agent; names in ``language``."""
    catalogue: tuple[tuple[str, str, float, float], ...] = (
        ("sales", "Sales", 300.0, 10.0), ("support", "Support", 420.0, 15.0),
        ("billing", "Billing", 240.0, 10.0), ("complaints", "Complaints", 600.0, 30.0),
        ("tech", "Tech", 480.0, 20.0), ("orders", "Orders", 200.0, 10.0),
    )
    if language == "ja":
        catalogue = tuple((cid, QUEUE_NAMES_JA[cid], aht, wrap) for cid, _, aht, wrap in catalogue)
    chosen = [catalogue[i % len(catalogue)] for i in range(queues)]
    staffed = agents * 0.8  # about a fifth are on break, logged out or outbound
    per_queue_erl = staffed * load / len(chosen)
    qs = tuple(
        QueueTraffic(
            id=cid if i < len(catalogue) else f"{cid}{i}", name=name if i < len(catalogue) else f"{name} {i}",
            calls_per_hour=per_queue_erl * 3600.0 / aht, aht_s=aht, handle_dist="lognormal",
            patience_s=150.0, wrapup_s=wrap, sl_threshold_s=20,
        )
        for i, (cid, name, aht, wrap) in enumerate(chosen)
    )
    names: tuple[str, ...] = ()
    if language == "ja":
        names = tuple(f"{SURNAMES_JA[i % len(SURNAMES_JA)]} {GIVEN_JA[(i * 7 + i // len(SURNAMES_JA)) % len(GIVEN_JA)]}"
                      for i in range(agents))
    return FloorPlan(queues=qs, agents=agents, time_of_day=time_of_day, names=names)


def lognormal_mu(mean: float, sigma: float) -> float:
    return math.log(mean) - sigma * sigma / 2
