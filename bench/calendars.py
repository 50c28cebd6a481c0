"""Calendar export cost: roadshow's .ics against plain icalendar on the same events.

Both sides turn the same plan's events into one VCALENDAR with icalendar: the
plain side writes the fields a calendar needs (UID, DTSTAMP, times with their
zone, summary, location); roadshow's exporter adds its descriptions, categories,
sequence numbers and the VTIMEZONE it builds. The ratio is what roadshow's
exporter costs over the bare library (target: at most 1.5x).

Also the whole export as a user runs it: ``roadshow ics --plan PLAN --split all
--out-dir DIR`` (the programme calendar and one per person, region and area,
travel included) on the same plan, through the real command line in a fresh
process (target: under 10 s for ``synthetic-20000``). The synthetic scenarios are
built in Python, not read from a file, so that process builds the scenario first
(not timed) and then times the command from its start to its last file written.

Run through ``python -m bench``, or on its own::

    python -m bench.worker roadshow synthetic-20000 --save-plan plan.json
    python -m bench.calendars synthetic-20000 plan.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import icalendar
import pendulum

from roadshow.exporters.ics import PlanVersion, event_uid, render_ics
from roadshow.importers.plan_file import load_plan_file
from roadshow.model import Plan, Scenario

STAMP = pendulum.datetime(2008, 9, 1, 8, tz="UTC")


def plain_ics(scenario: Scenario, plan: Plan) -> bytes:
    """The plan's events as a minimal calendar, straight from icalendar."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//bench//plain icalendar//EN")
    calendar.add("version", "2.0")
    venues = scenario.venue_by_id
    for e in plan.events:
        event = icalendar.Event()
        event.add("uid", event_uid(scenario.scenario_id, e.request_id))
        event.add("dtstamp", STAMP)
        event.add("dtstart", e.start)
        event.add("dtend", e.end)
        event.add("summary", e.title)
        event.add("location", venues[e.venue_id].label)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def roadshow_ics(scenario: Scenario, plan: Plan) -> bytes:
    """The plan's programme calendar (events only, as published) from roadshow."""
    return render_ics(
        scenario, plan, PlanVersion.unrecorded(STAMP), audience="public", travel=False
    )


def split_all(name: str, plan_path: Path, out_dir: Path) -> dict[str, Any]:
    """Time ``roadshow ics --split all`` on a bench instance, in this process."""
    from bench.instances import scenario as build  # noqa: PLC0415
    from roadshow import data  # noqa: PLC0415
    from roadshow.cli import cli  # noqa: PLC0415

    built = build(name)
    bundled = data.scenario
    data.SCENARIOS[name] = name
    data.scenario = lambda wanted=data.DEFAULT_SCENARIO: (  # type: ignore[assignment]
        built if wanted == name else bundled(wanted)
    )
    args = ["-q", "ics", name, "--plan", str(plan_path), "--split", "all"]
    began, cpu = time.perf_counter(), time.process_time()
    try:
        cli.main(
            [*args, "--out-dir", str(out_dir)],
            prog_name="roadshow",
            standalone_mode=False,
        )
    finally:
        seconds = time.perf_counter() - began
        cpu = time.process_time() - cpu
    files = [f for f in out_dir.rglob("*.ics") if f.is_file()]
    return {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "files": len(files),
        "bytes": sum(f.stat().st_size for f in files),
    }


def measure_split_all(name: str, plan_path: Path, repeats: int = 3) -> dict[str, Any]:
    """``roadshow ics --split all`` in fresh processes: the median of *repeats*."""
    runs = []
    for _ in range(repeats):
        folder = Path(tempfile.mkdtemp(prefix="bench-ics-"))
        try:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.calendars",
                    "--split-all-once",
                    str(folder / "out"),
                    name,
                    str(plan_path),
                ],
                capture_output=True,
                text=True,
                check=False,
                cwd=Path(__file__).resolve().parent.parent,
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if done.returncode != 0:
            return {"error": done.stderr.strip().splitlines()[-10:]}
        runs.append(json.loads(done.stdout.splitlines()[-1]))
    out = runs[0]
    out["seconds_runs"] = [r["seconds"] for r in runs]
    out["seconds"] = statistics.median(out["seconds_runs"])
    out["cpu_seconds"] = statistics.median(r["cpu_seconds"] for r in runs)
    return out


def measure(scenario: Scenario, plan_path: Path, repeats: int = 3) -> dict[str, Any]:
    """Time both renderers on the plan saved at *plan_path* (median of *repeats*)."""
    plan = load_plan_file(plan_path)
    times: dict[str, list[float]] = {"roadshow": [], "plain": []}
    cpu: dict[str, list[float]] = {"roadshow": [], "plain": []}
    sizes = {}
    for _ in range(repeats):
        for name, render in (("plain", plain_ics), ("roadshow", roadshow_ics)):
            began, used = time.perf_counter(), time.process_time()
            data = render(scenario, plan)
            times[name].append(time.perf_counter() - began)
            cpu[name].append(time.process_time() - used)
            sizes[name] = len(data)
    roadshow = statistics.median(times["roadshow"])
    plain = statistics.median(times["plain"])
    return {
        "events": len(plan.events),
        "roadshow_seconds": round(roadshow, 3),
        "plain_seconds": round(plain, 3),
        "ratio": round(roadshow / plain, 2),
        "roadshow_cpu_seconds": round(statistics.median(cpu["roadshow"]), 3),
        "plain_cpu_seconds": round(statistics.median(cpu["plain"]), 3),
        "cpu_ratio": round(
            statistics.median(cpu["roadshow"]) / statistics.median(cpu["plain"]), 2
        ),
        "roadshow_bytes": sizes["roadshow"],
        "plain_bytes": sizes["plain"],
        "split_all": measure_split_all(scenario.scenario_id, plan_path, repeats),
    }


def main() -> None:
    """Measure one instance's saved plan and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", help="a bench instance, e.g. synthetic-20000")
    parser.add_argument(
        "plan", type=Path, help="its plan file (bench.worker --save-plan)"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--split-all-once", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.split_all_once is not None:
        print(json.dumps(split_all(args.instance, args.plan, args.split_all_once)))
        return
    from bench.instances import scenario as build  # noqa: PLC0415

    print(json.dumps(measure(build(args.instance), args.plan, args.repeats), indent=2))


if __name__ == "__main__":
    main()
