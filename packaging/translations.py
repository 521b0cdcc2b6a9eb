"""The board's catalogues: extract texts from the sources (lupdate) and compile them (lrelease).

  python packaging/translations.py update     new and changed texts into resources/i18n/*.ts
  python packaging/translations.py compile    .ts → .qm (what the app loads)
  python packaging/translations.py check      every text translated, and the .qm up to date

Translators edit the .ts files (Qt Linguist: ``pyside6-linguist``). The test suite runs ``check``'s
functions, so a text without a Japanese translation fails CI.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "resources" / "i18n"
LANGUAGES = ("ja",)


def _tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}", path=str(Path(sys.executable).parent)) or shutil.which(f"pyside6-{name}")
    if not found:
        raise SystemExit(f"pyside6-{name} not found (it comes with PySide6)")
    return found


def sources() -> list[Path]:
    """Every module that can show text to a user (the core and the feed never do)."""
    pkg = ROOT / "wallboard"
    return sorted([*pkg.glob("ui/*.py"), pkg / "app.py"])


def update(ts: Path | None = None, language: str = "ja") -> Path:
    """Run lupdate over the sources into ``ts`` (default: the shipped catalogue); returns it."""
    ts = ts or I18N / f"wallboard_{language}.ts"
    subprocess.run([_tool("lupdate"), "-no-obsolete", "-locations", "none", "-target-language", language,
                    *map(str, sources()), "-ts", str(ts)], check=True, capture_output=True, cwd=ROOT)
    return ts


def compile_qm(ts: Path, qm: Path) -> None:
    subprocess.run([_tool("lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)


def messages(ts: Path) -> dict[str, tuple[str, str]]:
    """source text → (translation, type) for every message in a .ts file."""
    out = {}
    for m in ET.parse(ts).getroot().iter("message"):
        t = m.find("translation")
        out[m.findtext("source", "")] = ((t.text or "") if t is not None else "", t.get("type", "") if t is not None else "")
    return out


def problems(language: str = "ja") -> list[str]:
    """What is wrong with a catalogue: missing or unfinished texts, stale .ts, stale .qm."""
    shipped = I18N / f"wallboard_{language}.ts"
    found: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.ts"
        shutil.copy(shipped, fresh)
        update(fresh, language)
        now, before = messages(fresh), messages(shipped)
        for source, (text, kind) in sorted(now.items()):
            if source not in before:
                found.append(f"not in {shipped.name} (run `python packaging/translations.py update`): {source!r}")
            elif not text.strip() or kind in ("unfinished", "vanished", "obsolete"):
                found.append(f"no {language} translation: {source!r}")
        for source in sorted(set(before) - set(now)):
            found.append(f"in {shipped.name} but no longer in the sources: {source!r}")
        qm = Path(tmp) / "fresh.qm"
        compile_qm(shipped, qm)
        shipped_qm = shipped.with_suffix(".qm")
        if not shipped_qm.is_file() or shipped_qm.read_bytes() != qm.read_bytes():
            found.append(f"{shipped_qm.name} is not compiled from {shipped.name} "
                         "(run `python packaging/translations.py compile`)")
    return found


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "check"
    for lang in LANGUAGES:
        ts = I18N / f"wallboard_{lang}.ts"
        if action == "update":
            print(f"updated {update(ts, lang)}")
        elif action == "compile":
            compile_qm(ts, ts.with_suffix(".qm"))
            print(f"compiled {ts.with_suffix('.qm')}")
        elif action == "check":
            bad = problems(lang)
            print("\n".join(bad) or f"{ts.name}: every text translated, .qm up to date")
            sys.exit(1 if bad else 0)
        else:
            raise SystemExit(__doc__)
