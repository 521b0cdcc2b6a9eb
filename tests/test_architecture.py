"""The layout is kept by checks, not by memory: the layer contracts, strict typing everywhere, ruff,
windows made of small modules, and colours that come only from the theme."""

from __future__ import annotations

import ast
import io
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UI = ROOT / "wallboard" / "ui"


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is not installed next to {sys.executable}"
    return found


def test_import_contracts_are_kept() -> None:
    out = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "6 kept, 0 broken" in out.stdout


def test_types_check_strictly() -> None:
    out = subprocess.run([sys.executable, "-m", "mypy", "wallboard"], cwd=ROOT, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stdout[-3000:]


def test_ruff_is_clean() -> None:
    out = subprocess.run([_tool("ruff"), "check", "wallboard", "tests", "packaging"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stdout[-3000:]


@pytest.mark.parametrize("path", sorted(UI.glob("*.py")), ids=lambda p: p.name)
def test_each_window_module_is_small_and_says_what_it_is_for(path: Path) -> None:
    lines = path.read_text("utf-8").count("\n")
    assert lines <= 420, f"{path.name}: {lines} lines; split it by what it shows"
    if path.name != "__init__.py":
        assert ast.get_docstring(ast.parse(path.read_text("utf-8"))), f"{path.name} has no module docstring"


#: What a colour literal looks like in the code: a hex string, QColor of a literal, Qt's named colours,
#: a style sheet naming a colour.
LITERALS = re.compile(r"""#[0-9A-Fa-f]{6}\b|#[0-9A-Fa-f]{3}\b|\bcolor\s*:\s*[a-z]+|\bbackground\s*:\s*[a-z#]""")
CALLS = re.compile(r"""QColor\(\s*(["'\d]|Qt\.)|Qt\.GlobalColor|Qt\.(white|black|red|green|blue|yellow|gray)\b""")


def colour_literals(source: str) -> list[str]:
    found = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.STRING and LITERALS.search(tok.string):
            found.append(f"{tok.start[0]}: {tok.string[:60]}")
    found.extend(f"{source[:m.start()].count(chr(10)) + 1}: {m.group(0)}" for m in CALLS.finditer(source))
    return found


def test_the_check_for_colour_literals_has_teeth() -> None:
    assert colour_literals('p.setPen(QColor("#FFFFFF"))\n') and colour_literals("c = QColor(213, 94, 0)\n")
    assert colour_literals('label.setStyleSheet("color: white;")\n') and colour_literals("x = Qt.GlobalColor.red\n")
    assert not colour_literals('label.setStyleSheet(css_colour(MUTED))\nf"<span style=\'color:{c.name()}\'>"\n')


@pytest.mark.parametrize("path", sorted(p for p in UI.glob("*.py") if p.name != "style.py"), ids=lambda p: p.name)
def test_no_colour_is_written_outside_the_theme(path: Path) -> None:
    """High contrast made the queue cards white on white: they painted a literal #FFFFFF."""
    assert colour_literals(path.read_text("utf-8")) == []
