"""The calendar export benchmark runs the real ``roadshow ics --split all``.

A small plan (the ten-visit tour) is saved by the bench worker and measured by
``python -m bench.calendars``, as a user runs it. No timing is asserted; the
split files it wrote are counted and both renderers produced calendars.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_split_all_measured(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    _run("bench.worker", "roadshow", "nhs-2008-tour", "--save-plan", str(plan))
    out = json.loads(
        _run("bench.calendars", "nhs-2008-tour", str(plan), "--repeats", "1")
    )
    assert out["events"] == 20
    assert out["roadshow_bytes"] > out["plain_bytes"] > 0
    split = out["split_all"]
    # The programme, the two people on the tour and its regions and areas.
    assert split["files"] >= 1 + 2 + 1
    assert split["bytes"] > out["roadshow_bytes"]
    assert split["seconds"] > 0
    assert split["cpu_seconds"] > 0
