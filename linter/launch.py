"""The ``copydesk`` command's entry point.

A ``check`` goes to a running ``copydesk daemon`` when there is one (see :mod:`linter.daemon`),
before anything of the linter is imported; otherwise, and for every other command, the command
runs here. ``--no-daemon`` (or ``COPYDESK_NO_DAEMON=1``) always runs it here.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["check"] and "--no-daemon" not in argv and not os.environ.get("COPYDESK_NO_DAEMON"):
        from .daemon import forward

        code = forward(argv)
        if code is not None:
            return code
    from .cli import main as run

    return run(argv)
