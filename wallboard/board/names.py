"""Names as the board shows and orders them: safe to display, ordered as a Japanese list is."""

from __future__ import annotations

import functools
import unicodedata

#: Bidirectional controls (embeddings, overrides, isolates, marks): a name carrying U+202E would
#: show reversed — "‮nimda" as "admin" — so the board shows names without them.
_BIDI = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def plain(text: str) -> str:
    """Text from the feed as the board shows it: bidirectional controls removed."""
    return text if text.isascii() else text.translate(_BIDI)


@functools.lru_cache(maxsize=65_536)  # called in every sort of the tiles: one dictionary hit per agent
def reading(name: str, kana: str = "") -> str:
    """How a name is ordered: by its reading when the feed gives one (``name_kana``), else by the name;
    width and case folded (ＡＢＣ = abc), katakana as hiragana (カトウ = かとう), so the kana orders
    as a Japanese list does. A kanji name without a reading orders by code point: stable, if not by よみ."""
    text = unicodedata.normalize("NFKC", plain(kana or name)).casefold()
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def matching(names: list[tuple[str, str, str]], text: str) -> list[str]:
    """The ids whose name or reading contains ``text`` (folded as :func:`reading` folds), in the given order.

    ``names``: (id, name, reading) for each agent shown, in the tiles' order."""
    needle = reading(text.strip())
    if not needle:
        return []
    return [aid for aid, name, kana in names if needle in reading(name) or (kana and needle in reading(kana))]


def next_match(hits: list[str], current: str | None, step: bool) -> str | None:
    """Which match to select: the next after ``current`` when stepping (F3, Enter), else ``current`` if it
    still matches, else the first."""
    if not hits:
        return None
    at = hits.index(current) if current in hits else -1
    return hits[(at + 1) % len(hits)] if step or at < 0 else hits[at]
