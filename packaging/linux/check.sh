#!/usr/bin/env bash
# Install the built .deb into a clean temporary root and run it headless: --version, a short offscreen
# demo with a screenshot, the bridge's --help; then check the bundle holds no tests, caches or build
# leftovers. CI runs it after packaging/build-linux.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(.venv/bin/python -c "import wallboard; print(wallboard.__version__)")
deb=$(ls dist/wallboard_"$version"_*.deb)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
dpkg-deb -x dist/wallboard-kiosk_"$version"_all.deb "$root"
fail() { echo "check: $*" >&2; exit 1; }

got=$(env -i PATH=/usr/bin:/bin "$root/usr/bin/wallboard" --version)
[ "$got" = "wallboard $version" ] || fail "--version said '$got', expected 'wallboard $version'"
"$root/usr/bin/wallboard-asterisk-bridge" --help | grep -q "Asterisk Manager Interface" || fail "bridge --help"
"$root/usr/bin/wallboard-freeswitch-bridge" --help | grep -q "FreeSWITCH event socket" || fail "freeswitch bridge --help"
home=$(mktemp -d -p "$root")
env -i PATH=/usr/bin:/bin HOME="$home" QT_QPA_PLATFORM=offscreen \
  "$root/usr/bin/wallboard" --demo --agents 24 --language ja --quit-after 4 --screenshot "$root/shot.png" \
  > "$root/demo.log" 2>&1 || { cat "$root/demo.log"; fail "the demo did not run"; }
grep -q "board connected" "$root/demo.log" || { cat "$root/demo.log"; fail "the demo board never connected"; }
[ "$(stat -c %s "$root/shot.png")" -gt 20000 ] || fail "the screenshot is empty"
grep -q "language ja" "$root/demo.log" || fail "the Japanese catalogue did not load"
# In-app listening: the bundle must carry sounddevice (PortAudio itself is the system's: Recommends libportaudio2)
if grep -q "sounddevice package is not installed" "$root/demo.log"; then fail "sounddevice is not in the bundle"; fi

# The bridge's service: its unit, its settings (secrets: not world-readable), and a command line that the
# installed bridge accepts as the unit runs it (settings from the shipped template, secrets filled in).
for pbx in asterisk:AMI_SECRET freeswitch:ESL_PASSWORD; do
  name=${pbx%%:*} secret=${pbx#*:}
  unit="$root/lib/systemd/system/wallboard-$name-bridge.service"
  [ -f "$unit" ] || fail "no systemd unit for the $name bridge"
  grep -q '^Restart=always' "$unit" && grep -q '^User=wallboard-bridge' "$unit" || fail "the $name unit must restart and run as its own user"
  [ "$(stat -c %a "$root/etc/wallboard/$name-bridge.env")" = 640 ] || fail "$name-bridge.env is readable by others"
  exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
  (set -a; . "$root/etc/wallboard/$name-bridge.env"; eval "$secret=s"; SV_TOKEN=a TV_TOKEN=b; set +a
   cmd=$(eval "echo $exec_start" | sed "s#/usr/bin/#$root/usr/bin/#; s#/etc/wallboard/#$root/etc/wallboard/#")
   $cmd --check) || fail "the installed $name bridge refuses the unit's command line"
done
relay="$root/lib/systemd/system/wallboard-relay.service"
[ -f "$relay" ] && grep -q '^Restart=always' "$relay" || fail "no systemd unit for the relay, or it does not restart"
[ "$(stat -c %a "$root/etc/wallboard/relay.env")" = 640 ] || fail "relay.env is readable by others"
exec_start=$(sed -n 's/^ExecStart=//p' "$relay")
(set -a; . "$root/etc/wallboard/relay.env"; SV_TOKEN=a TV_TOKEN=b; set +a
 cmd=$(eval "echo $exec_start" | sed "s#/usr/bin/#$root/usr/bin/#")
 $cmd --check) || fail "the installed relay refuses the unit's command line"

bundle="$root/opt/wallboard"
leftovers=$(find "$bundle" \( -name tests -o -name test -o -name __pycache__ -o -name '*.pyc' -o -name '*.ts' \
  -o -name '*.spec' -o -name '*.egg-info' -o -name '.git*' \) -print | head -5)
[ -z "$leftovers" ] || fail "leftovers in the bundle: $leftovers"
[ -f "$bundle/_internal/resources/i18n/wallboard_ja.qm" ] || fail "no Japanese catalogue in the bundle"
[ -f "$root/usr/share/applications/wallboard.desktop" ] || fail "no desktop entry"
[ -f "$root/etc/xdg/autostart/wallboard-kiosk.desktop" ] || fail "no kiosk autostart entry"
[ -f "$root/usr/share/icons/hicolor/256x256/apps/wallboard.png" ] || fail "no icon"
echo "check: ok — bundle $(du -sh "$bundle" | cut -f1) installed, $(du -h "$deb" | cut -f1) .deb ($(basename "$deb"))"
