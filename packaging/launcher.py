"""The frozen bundle's one entry point: which program runs depends on the name it was started by.

``wallboard`` (the board), ``wallboard-asterisk-bridge``, ``wallboard-freeswitch-bridge``, ``wallboard-relay``,
``wallboard-callcentre``; the .deb links each name in /usr/bin to this one executable, so the bundle carries one
copy of Python and Qt.
"""

import os
import sys


def main() -> int:
    name = os.path.basename(sys.argv[0]).lower().removesuffix(".exe")
    if name == "wallboard-asterisk-bridge":
        from wallboard.bridge import main as run
    elif name == "wallboard-freeswitch-bridge":
        from wallboard.fsbridge import main as run
    elif name == "wallboard-relay":
        from wallboard.relay import main as run
    elif name == "wallboard-callcentre":
        from wallboard.callcentre.cli import main as run
    else:
        from wallboard.app import main as run
    return int(run() or 0)


if __name__ == "__main__":
    sys.exit(main())
