#!/usr/bin/env bash
# Build the macOS app and disk image: dist/Wallboard.app and dist/Wallboard-<version>.dmg.
# Needs Python 3.11+ (python3) and Xcode's command-line tools (hdiutil). Signing is optional:
# set CODESIGN_IDENTITY (and notarise the .dmg afterwards with `xcrun notarytool`).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e . "pyinstaller>=6.10,<7"
version=$(.venv/bin/python -c "import wallboard; print(wallboard.__version__)")
rm -rf dist/Wallboard.app dist/wallboard build/pyinstaller
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/wallboard.spec
app=dist/Wallboard.app
got=$("$app/Contents/MacOS/wallboard" --version)
[ "$got" = "wallboard $version" ] || { echo "--version said '$got'" >&2; exit 1; }
QT_QPA_PLATFORM=offscreen "$app/Contents/MacOS/wallboard" --demo --agents 12 --quit-after 3 --screenshot build/smoke.png
[ -s build/smoke.png ] || { echo "the frozen demo did not run" >&2; exit 1; }
if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --deep --force --options runtime --sign "$CODESIGN_IDENTITY" "$app"
fi
rm -f "dist/Wallboard-$version.dmg"
hdiutil create -volname "Wallboard $version" -srcfolder "$app" -ov -format UDZO "dist/Wallboard-$version.dmg"
echo "built dist/Wallboard-$version.dmg ($(du -h "dist/Wallboard-$version.dmg" | cut -f1))"
