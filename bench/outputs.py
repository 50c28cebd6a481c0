"""What ``roadshow plan --out`` costs over planning alone (issue 17).

    python -m bench.outputs [--runs N] [--scenario SCENARIO]

Runs the real CLI as a fresh process, one at a time, on the default scenario:

- ``plan --no-out``: load, plan, check, print;
- ``plan --out DIR``: the same, then a new version with every output but PDFs;
- ``plan --out DIR --pdf``: the same with PDF itineraries;
- ``plan --out DIR --pdf`` again on that folder: the plan is unchanged, so the
  PDFs are kept from the version already there;
- then, on the default scenario, a re-plan into that folder after one chair's
  evening is taken (a diary commitment): a new version in which only that
  chair's itinerary changes, so only its PDF is printed again.

Each ``--out`` run but the last gets a fresh folder. Prints the median wall time
and the median CPU time of the process (user + system, any child processes
included) of each, and each one's ratio to ``--no-out``, then how many PDF
itineraries and pages a run printed and the load average before and after. On a
shared machine wall times move with the load; the CPU ratios move less.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

EPOCH = "1220256000"


ONE_CHAIR_BUSY = "chair-Q36,2008-09-01T17:00,2008-09-01T21:00,Board dinner,home\n"
"""The London chair's first consultation evening, taken by a diary commitment."""


def run(args: list[str], command: str = "plan") -> tuple[float, float]:
    """Run `roadshow -q COMMAND ARGS` to the end; return (wall s, CPU s)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "roadshow", "-q", command, *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in {0, 1}:
        sys.exit(f"{command} {' '.join(args)} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    """Measure each mode --runs times and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scenario", default=None, help="default: nhs-2008")
    options = parser.parse_args()
    scenario = [options.scenario] if options.scenario else []
    root = Path(tempfile.mkdtemp(prefix="bench-outputs-"))
    modes = ["--no-out", "--out", "--out --pdf", "--out --pdf, unchanged"]
    changed = "--out --pdf, one chair moved"
    if not scenario:
        modes.append(changed)
        busy = root / "busy"
        run([str(busy)], command="init")
        with (busy / "commitments.csv").open("a", encoding="utf-8") as diary:
            diary.write(ONE_CHAIR_BUSY)
    times: dict[str, list[tuple[float, float]]] = {mode: [] for mode in modes}
    load_before = os.getloadavg()
    try:
        for n in range(options.runs):
            times["--no-out"].append(run([*scenario, "--no-out"]))
            times["--out"].append(run([*scenario, "--out", str(root / f"o{n}")]))
            folder = str(root / f"p{n}")
            times["--out --pdf"].append(run([*scenario, "--out", folder, "--pdf"]))
            times["--out --pdf, unchanged"].append(
                run([*scenario, "--out", folder, "--pdf"])
            )
            if changed in times:
                times[changed].append(run([str(busy), "--out", folder, "--pdf"]))
        printed = sorted(
            (root / "p0" / "versions" / "0001" / "itineraries").glob("*.pdf")
        )
        pages = sum(len(PdfReader(path).pages) for path in printed)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    base_wall = statistics.median(w for w, _ in times["--no-out"])
    base_cpu = statistics.median(c for _, c in times["--no-out"])
    print(
        f"roadshow plan {' '.join(scenario) or '(nhs-2008)'}, median of {options.runs}"
    )
    print(f"{'mode':<30} {'wall s':>8} {'x':>6} {'CPU s':>8} {'x':>6}")
    for mode in modes:
        wall = statistics.median(w for w, _ in times[mode])
        cpu = statistics.median(c for _, c in times[mode])
        print(
            f"{mode:<30} {wall:>8.2f} {wall / base_wall:>6.2f}"
            f" {cpu:>8.2f} {cpu / base_cpu:>6.2f}"
        )
    load = " ".join(f"{n:.2f}" for n in (*load_before, *os.getloadavg()))
    print(f"--pdf printed {len(printed)} itineraries, {pages} pages")
    print(f"load average (1, 5, 15 min) before, after: {load}")


if __name__ == "__main__":
    main()
