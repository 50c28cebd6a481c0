"""Run roadshow's CLI and SIGKILL the process at the N-th publishing step.

    python tests/kill_at.py N ARGS...

runs ``roadshow ARGS`` exactly as ``python -m roadshow ARGS`` does, with
:data:`roadshow.outputs.step_hook` set to kill the process (as a power cut or
``kill -9`` would) when publishing reaches step N. The crash tests' way in: the
hook lives in the tests, not in roadshow.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from roadshow import outputs
from roadshow.cli import main

SCRIPT = Path(__file__)


def command(kill_at: int, *args: str) -> list[str]:
    """The command line of a roadshow process that dies at step *kill_at*."""
    return [sys.executable, str(SCRIPT), str(kill_at), *args]


def _install(kill_at: int) -> None:
    def hook(step: int) -> None:
        if step == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    outputs.step_hook = hook


if __name__ == "__main__":
    _install(int(sys.argv.pop(1)))
    main()
