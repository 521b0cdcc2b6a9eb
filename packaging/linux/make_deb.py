"""Wrap the frozen bundle (dist/wallboard) into two Debian packages.

- ``wallboard_<version>_<arch>.deb``: the bundle in /opt/wallboard; ``wallboard``,
  ``wallboard-asterisk-bridge``, ``wallboard-freeswitch-bridge`` and ``wallboard-callcentre`` in /usr/bin; a desktop entry and
  icons; the bridge as a systemd service (``wallboard-asterisk-bridge.service``, its own
  ``wallboard-bridge`` user, settings and secrets in /etc/wallboard/asterisk-bridge.env readable
  by that user only, queues in /etc/wallboard/bridge.toml; not enabled until configured). Its
  ``Depends`` are computed from the bundle itself: every shared library an ELF file in it needs
  and the bundle does not carry is looked up with ``dpkg -S``.
- ``wallboard-kiosk_<version>_all.deb`` (optional, for the PC behind a wall TV): starts the
  board full screen at login from /etc/xdg/autostart, with /etc/wallboard/tv.toml (a conffile:
  edit it, an upgrade keeps it).

Run by packaging/build-linux.sh; needs dpkg-deb and ldd (Debian and derivatives).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
BRIDGE = Path(__file__).resolve().parent / "bridge"  # the bridge's unit, settings template, maintainer scripts
PROGRAMS = ("wallboard", "wallboard-asterisk-bridge", "wallboard-freeswitch-bridge", "wallboard-relay", "wallboard-callcentre")
MAINTAINER = "Wallboard maintainers <wallboard@example.org>"
DESKTOP = """[Desktop Entry]
Type=Application
Name=Wallboard
Name[ja]=ウォールボード
GenericName=Call-centre supervisor board
GenericName[ja]=コールセンター スーパーバイザー ボード
Comment=Live queues, agents and alerts; listen, whisper, barge
Comment[ja]=待ち呼・放棄呼・オペレーターの状態をリアルタイム表示、聞き耳・ささやき・割り込み
Exec=wallboard --profile %f
Icon=wallboard
Terminal=false
Categories=Office;Telephony;Monitor;
Keywords=call centre;call center;queue;ACD;Asterisk;コールセンター;
"""
KIOSK = """[Desktop Entry]
Type=Application
Name=Wallboard (wall TV)
Name[ja]=ウォールボード（壁掛けテレビ）
Comment=The board full screen on this PC's TV, from /etc/wallboard/tv.toml
Exec=wallboard --profile /etc/wallboard/tv.toml
Icon=wallboard
Terminal=false
X-GNOME-Autostart-enabled=true
"""


def run(*cmd: str) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def elf_files(root: Path) -> list[Path]:
    out = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    out.append(path)
    return out


def system_packages(bundle: Path) -> set[str]:
    """The Debian packages holding every library the bundle needs but does not carry."""
    carried = {p.name for p in bundle.rglob("*.so*")}
    needed: set[str] = set()
    for elf in elf_files(bundle):
        for line in run("objdump", "-p", str(elf)).splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "NEEDED" and parts[1] not in carried:
                needed.add(parts[1])
    packages = set()
    for lib in sorted(needed):
        found = ""
        for pattern in (f"*/{lib}",):
            try:
                found = run("dpkg", "-S", pattern).splitlines()[0].split(":")[0]
            except subprocess.CalledProcessError:
                pass
        if not found:
            raise SystemExit(f"no Debian package provides {lib}, which the bundle needs")
        packages.add(found)
    return packages


def control(name: str, version: str, arch: str, depends: list[str], size_kb: int, description: str,
            recommends: str = "") -> str:
    lines = [f"Package: {name}", f"Version: {version}", f"Architecture: {arch}", f"Maintainer: {MAINTAINER}",
             f"Installed-Size: {size_kb}", f"Depends: {', '.join(depends)}"]
    if recommends:
        lines.append(f"Recommends: {recommends}")
    lines += ["Section: comm", "Priority: optional", "Homepage: https://example.org/wallboard",
              f"Description: {description}"]
    return "\n".join(lines) + "\n"


def du_kb(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) // 1024


def build(stage: Path, out: Path) -> Path:
    for d in stage.rglob("*"):
        if d.is_dir():
            d.chmod(0o755)
    run("dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(stage), str(out))
    return out


def main() -> int:
    version = sys.argv[1]
    arch = run("dpkg", "--print-architecture").strip()
    bundle = DIST / "wallboard"
    if not (bundle / "wallboard").is_file():
        raise SystemExit(f"{bundle}/wallboard missing: run PyInstaller first (packaging/build-linux.sh)")
    stage = ROOT / "build" / "deb" / "wallboard"
    shutil.rmtree(stage.parent, ignore_errors=True)
    shutil.copytree(bundle, stage / "opt" / "wallboard", symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    for prog in PROGRAMS:
        os.symlink("../../opt/wallboard/wallboard", stage / "usr" / "bin" / prog)  # relative: any root works
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / "wallboard.desktop").write_text(DESKTOP, encoding="utf-8")
    for size in (32, 64, 128, 256):
        icons = stage / "usr" / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        icons.mkdir(parents=True)
        shutil.copy(ROOT / "resources" / "icons" / f"wallboard-{size}.png", icons / "wallboard.png")
    systemd = stage / "lib" / "systemd" / "system"
    systemd.mkdir(parents=True)
    shutil.copy(BRIDGE / "wallboard-asterisk-bridge.service", systemd)
    shutil.copy(BRIDGE / "wallboard-freeswitch-bridge.service", systemd)
    shutil.copy(BRIDGE / "wallboard-relay.service", systemd)
    etc = stage / "etc" / "wallboard"
    etc.mkdir(parents=True)
    shutil.copy(BRIDGE / "asterisk-bridge.env", etc / "asterisk-bridge.env")
    (etc / "asterisk-bridge.env").chmod(0o640)  # postinst gives it to root:wallboard-bridge
    shutil.copy(ROOT / "resources" / "asterisk" / "bridge.example.toml", etc / "bridge.toml")
    shutil.copy(BRIDGE / "freeswitch-bridge.env", etc / "freeswitch-bridge.env")
    (etc / "freeswitch-bridge.env").chmod(0o640)
    shutil.copy(ROOT / "resources" / "freeswitch" / "bridge.example.toml", etc / "freeswitch-bridge.toml")
    shutil.copy(BRIDGE / "relay.env", etc / "relay.env")
    (etc / "relay.env").chmod(0o640)
    doc = stage / "usr" / "share" / "doc" / "wallboard"
    doc.mkdir(parents=True)
    shutil.copy(ROOT / "README.md", doc / "README.md")
    shutil.copytree(ROOT / "resources" / "asterisk", doc / "asterisk")
    shutil.copytree(ROOT / "resources" / "freeswitch", doc / "freeswitch")
    depends = sorted(system_packages(stage / "opt" / "wallboard") | {"adduser"})
    (stage / "DEBIAN").mkdir()
    for script in ("postinst", "prerm", "postrm"):
        shutil.copy(BRIDGE / script, stage / "DEBIAN" / script)
        (stage / "DEBIAN" / script).chmod(0o755)
    (stage / "DEBIAN" / "conffiles").write_text("/etc/wallboard/asterisk-bridge.env\n/etc/wallboard/bridge.toml\n"
                                                 "/etc/wallboard/freeswitch-bridge.env\n/etc/wallboard/freeswitch-bridge.toml\n"
                                                 "/etc/wallboard/relay.env\n")
    (stage / "DEBIAN" / "control").write_text(control(
        "wallboard", version, arch, depends, du_kb(stage),
        "live call-centre supervisor wallboard\n"
        " Agents, queues (calls waiting, abandoned, service level) and alerts, pushed live from\n"
        " an Asterisk or FreeSWITCH bridge or any feed-protocol v1 server; listen, whisper and barge in one\n"
        " click, heard on the desk's own headset; a full-screen TV mode. English and Japanese.",
        recommends="fonts-noto-cjk, gnome-keyring | kwalletmanager, libportaudio2"))
    debs = [build(stage, DIST / f"wallboard_{version}_{arch}.deb")]

    kiosk = ROOT / "build" / "deb" / "wallboard-kiosk"
    (kiosk / "etc" / "xdg" / "autostart").mkdir(parents=True)
    (kiosk / "etc" / "xdg" / "autostart" / "wallboard-kiosk.desktop").write_text(KIOSK, encoding="utf-8")
    (kiosk / "etc" / "wallboard").mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "profiles" / "tv.toml", kiosk / "etc" / "wallboard" / "tv.toml")
    (kiosk / "DEBIAN").mkdir()
    (kiosk / "DEBIAN" / "conffiles").write_text("/etc/wallboard/tv.toml\n/etc/xdg/autostart/wallboard-kiosk.desktop\n")
    (kiosk / "DEBIAN" / "control").write_text(control(
        "wallboard-kiosk", version, "all", [f"wallboard (= {version})"], du_kb(kiosk),
        "wall-TV autostart for the call-centre wallboard\n"
        " Starts the wallboard full screen at login on the PC behind a wall TV, from the\n"
        " profile /etc/wallboard/tv.toml (edit the feed URL and pages there)."))
    debs.append(build(kiosk, DIST / f"wallboard-kiosk_{version}_all.deb"))
    for deb in debs:
        print(f"built {deb.relative_to(ROOT)} ({deb.stat().st_size / 1e6:.1f} MB)")
    print("Depends:", ", ".join(depends))
    return 0


if __name__ == "__main__":
    sys.exit(main())
