#!/usr/bin/env bash
# Build the Linux artefacts: dist/wallboard/ (the frozen bundle), dist/wallboard_<version>_<arch>.deb and
# dist/wallboard-kiosk_<version>_all.deb. Uses the project's .venv (created if missing) and PyInstaller.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q -e .
fi
.venv/bin/pip install -q "pyinstaller>=6.10,<7"
version=$(.venv/bin/python -c "import wallboard; print(wallboard.__version__)")
rm -rf dist/wallboard build/pyinstaller
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/wallboard.spec
.venv/bin/python packaging/linux/make_deb.py "$version"
echo "bundle: dist/wallboard ($(du -sh dist/wallboard | cut -f1))"
