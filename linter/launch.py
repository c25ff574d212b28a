"""The ``copydesk`` command's entry point.

A ``check`` goes to a running ``copydesk daemon`` when there is one (see :mod:`linter.daemon`),
before anything of the linter is imported; otherwise, and for every other command, the command
runs here. ``--no-daemon`` (or ``COPYDESK_NO_DAEMON=1``) always runs it here. With
``--start-daemon``, a check that finds no daemon also starts one in the background for the
checks that follow (a pre-commit hook's next commit), except under CI (``CI`` set).
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
        if "--start-daemon" in argv and not os.environ.get("CI"):
            from .daemon import start_in_background

            start_in_background()
    from .cli import main as run

    return run(argv)
