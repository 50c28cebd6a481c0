"""The benchmark harness: roadshow's planner against the OR-Tools reference.

``python -m bench`` runs the full set (the reference's budgets alone are about
15 minutes of CPU); ``python -m bench --quick`` a smaller set with smaller
reference budgets (a few minutes of CPU). The reference gets a fixed,
deterministic CPU budget per instance (:class:`bench.instances.Case`), so its
figures repeat from run to run. It prints a table, writes the same figures as
JSON, and plots time against events. Each measurement runs in a fresh process
(:mod:`bench.worker`), one at a time, so runs neither share caches nor cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bench import calendars
from bench.instances import FULL, QUICK, SMOKE, Case, scenario

ROOT = Path(__file__).resolve().parent.parent
SCALE = ("synthetic-1000", "synthetic-5000", "synthetic-20000")


def _worker(args: list[str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.worker", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-20:]}
    return json.loads(done.stdout.splitlines()[-1])


def has_pyvrp() -> bool:
    """Tell whether PyVRP is installed (``pip install -e '.[bench]'``)."""
    return importlib.util.find_spec("pyvrp") is not None


def measure_roadshow(case: Case, save: Path | None) -> dict[str, Any]:
    """Run roadshow *case.repeats* times; keep the median time and the peak memory.

    The first run also works out the routing limit of its plan when the case
    asks for it (outside the timed part).
    """
    runs = [
        _worker(
            [
                "roadshow",
                case.name,
                *(["--save-plan", str(save)] if save and i == 0 else []),
                *(["--tours"] if case.tours and has_pyvrp() and i == 0 else []),
            ]
        )
        for i in range(case.repeats)
    ]
    if any("error" in r for r in runs):
        return next(r for r in runs if "error" in r)
    out = runs[0]
    out["seconds_runs"] = [r["seconds"] for r in runs]
    out["seconds"] = statistics.median(out["seconds_runs"])
    out["peak_mib"] = max(r["peak_mib"] for r in runs)
    return out


def has_ortools() -> bool:
    """Tell whether OR-Tools is installed (``pip install -e '.[bench]'``)."""
    return importlib.util.find_spec("ortools") is not None


def measure_reference(case: Case) -> dict[str, Any] | None:
    """Run the reference once with the case's budget (None when it is skipped)."""
    if case.reference_s is None or not has_ortools():
        return None
    return _worker(["reference", case.name, "--limit", str(case.reference_s)])


def cli_times(*, outputs: bool = True) -> dict[str, float]:
    """Wall time of ``roadshow --help`` and ``roadshow plan`` (median of 3).

    ``plan`` prints the plan's summary and check (``--no-out``); ``plan_out``
    also writes the plan file, its calendars and the history, into a new folder
    each time (left out with *outputs* false: it takes a while).
    """
    exe = str(Path(sys.executable).with_name("roadshow"))
    # As a user runs it: with bytecode caching (some shells here turn it off),
    # after one warm-up run that writes the caches.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = {}
    with tempfile.TemporaryDirectory() as folder:
        runs = iter(range(100))
        commands = {
            "help": lambda: ["--help"],
            "plan": lambda: ["-q", "plan", "nhs-2008", "--no-out"],
            "plan_out": lambda: [
                "-q",
                "plan",
                "nhs-2008",
                "--out",
                f"{folder}/{next(runs)}",
            ],
        }
        if not outputs:
            del commands["plan_out"]
        for label, args in commands.items():
            subprocess.run([exe, *args()], capture_output=True, check=False, env=env)
            times = []
            for _ in range(3):
                command = [exe, *args()]
                began = time.perf_counter()
                subprocess.run(command, capture_output=True, check=False, env=env)
                times.append(time.perf_counter() - began)
            out[label] = round(statistics.median(times), 3)
    return out


def growth_exponent(rows: list[dict[str, Any]], side: str) -> float | None:
    """Least-squares slope of log(time) against log(events) over the scale instances."""
    points = [
        (math.log(r["events"]), math.log(r[side]["seconds"]))
        for r in rows
        if r["instance"] in SCALE and r.get(side) and "seconds" in r[side]
    ]
    if len(points) < 2:
        return None
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return round(sum((x - mx) * (y - my) for x, y in points) / sxx, 2)


def _objective(side: dict[str, Any] | None) -> str:
    if not side or "objective" not in side:
        return "n/a"
    o = side["objective"]
    hours = o["travel_minutes"] / 60
    text = f"{hours:.1f} h / {o['nights_away']} n / {o['late_finishes']} l"
    text += f" / {o.get('tight_days', '?')} t"
    idle = o.get("idle_days", 0)
    return f"{idle} idle; {text}" if idle else text


def compare(row: dict[str, Any]) -> None:
    """Add the roadshow/reference ratios and the lexicographic verdict to *row*."""
    rs, ref = row.get("roadshow"), row.get("reference")
    if not rs or not ref or "key" not in rs or "key" not in ref:
        return
    row["verdict"] = (
        "equal"
        if rs["key"] == ref["key"]
        else "better"
        if rs["key"] < ref["key"]
        else "worse"
    )
    travel = ref["objective"]["travel_minutes"]
    if rs["unplaced"] == ref["unplaced"] and travel:
        row["objective_ratio"] = round(rs["objective"]["travel_minutes"] / travel, 3)
    row["time_ratio"] = round(rs["seconds"] / ref["seconds"], 3)


def _reference_time(ref: dict[str, Any]) -> str:
    """The reference's time, with how its parts ended."""
    if not ref:
        return "not run"
    if "seconds" not in ref:
        return "error"
    text = f"{ref['seconds']} ({ref['status'].lower()}"
    if ref.get("parts_unsolved"):
        text += f"; no solution in {ref['parts_unsolved']} of {ref['parts']} parts"
    if ref.get("thinned"):
        text += "; nearest-venue arcs only"
    if ref.get("sequential"):
        text += "; split by people"
    return text + ")"


def table(rows: list[dict[str, Any]]) -> str:
    """The results as a Markdown table."""
    head = (
        "| instance | events | people | days | roadshow s | MiB "
        "| objective (travel / nights / late / tight days) | hard | unplaced "
        "| reference s | MiB | objective | bound travel h | hard | unplaced "
        "| obj ratio | time ratio | lex |"
    )
    lines = [head, "|" + "---|" * 18]
    for r in rows:
        rs, ref = r.get("roadshow") or {}, r.get("reference") or {}
        bound = ref.get("bound", {}).get("travel")
        lines.append(
            _markdown_row(
                (
                    r["instance"],
                    r["events"],
                    r["people"],
                    r["days"],
                    rs.get("seconds", "error"),
                    rs.get("peak_mib", ""),
                    _objective(rs),
                    rs.get("hard_violations", ""),
                    rs.get("unplaced", ""),
                    _reference_time(ref),
                    ref.get("peak_mib", ""),
                    _objective(ref),
                    "" if bound is None else f"{bound / 60:.1f}",
                    ref.get("hard_violations", ""),
                    ref.get("unplaced", ""),
                    r.get("objective_ratio", ""),
                    r.get("time_ratio", ""),
                    r.get("verdict", ""),
                )
            )
        )
    return "\n".join(lines)


def limit_table(rows: list[dict[str, Any]]) -> str:
    """Roadshow's travel against the shortest tours through its places."""
    head = (
        "| instance | places | roadshow travel h | TSP h (PyVRP) "
        "| lower bound h (Held-Karp) | travel / TSP | travel / bound "
        "| places from | unplaced |"
    )
    lines = [
        head,
        "|" + "---|" * 9,
    ]
    for r in rows:
        limit = (r.get("roadshow") or {}).get("limit")
        if not limit:
            continue
        lines.append(
            _markdown_row(
                (
                    r["instance"],
                    sum(p["places"] for p in limit["people"]),
                    f"{limit['travel'] / 60:.1f}",
                    f"{limit['tsp'] / 60:.1f}",
                    f"{limit['lower_bound'] / 60:.1f}",
                    limit["travel_over_tsp"],
                    limit["travel_over_bound"],
                    "scenario" if limit["venues_fixed"] else "roadshow's plan",
                    limit["unplaced"],
                )
            )
        )
    return "\n".join(lines) if len(lines) > 2 else ""


def _markdown_row(cells: Iterable[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    """Plot time against events (log-log) for both sides."""
    import matplotlib as mpl  # noqa: PLC0415 - an optional extra

    mpl.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    mpl.rcParams["svg.hashsalt"] = "roadshow-bench"  # stable SVG ids
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for side, marker, label in (
        ("roadshow", "o", "roadshow planner"),
        ("reference", "s", "OR-Tools CP-SAT reference (fixed budget)"),
    ):
        points = sorted(
            (r["events"], r[side]["seconds"])
            for r in rows
            if r["instance"].startswith("synthetic")
            and r.get(side)
            and "seconds" in r[side]
        )
        if points:
            ax.plot(*zip(*points, strict=True), marker=marker, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("events (requests) in the synthetic programme")
    ax.set_ylabel("wall time (s)")
    ax.set_title("Time against programme size")
    ax.grid(visible=True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None})
    plt.close(fig)


def _commit() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty", "--abbrev=7"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def run(
    cases: tuple[Case, ...],
    *,
    mode: str,
    calendars_from: str | None,
    cli: bool = True,
    references: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Measure every case, the CLI and the calendar export; return the figures.

    With *references* (earlier rows by instance), the reference is not run
    again: each row takes the earlier row's reference side and its commit.
    """
    rows = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        saved: dict[str, Path] = {}
        for case in cases:
            print(f"... {case.name}", file=sys.stderr, flush=True)
            save = (
                Path(folder, f"{case.name}.json")
                if case.name == calendars_from
                else None
            )
            rs = measure_roadshow(case, save)
            if save is not None and save.exists():
                saved[case.name] = save
            earlier = (references or {}).get(case.name)
            ref = earlier["reference"] if earlier else measure_reference(case)
            row = {
                "instance": case.name,
                "events": rs.get("events", (ref or {}).get("events")),
                "people": rs.get("people", (ref or {}).get("people")),
                "days": rs.get("days", (ref or {}).get("days")),
                "roadshow_repeats": case.repeats,
                "reference_deterministic_s": case.reference_s,
                "roadshow": rs,
                "reference": ref,
                "commit": _commit(),
            }
            if earlier:
                row["reference_commit"] = earlier.get(
                    "reference_commit", earlier["commit"]
                )
            compare(row)
            rows.append(row)
        cal = None
        if calendars_from in saved:
            print("... calendar export", file=sys.stderr, flush=True)
            cal = calendars.measure(scenario(calendars_from), saved[calendars_from])
    return {
        "mode": mode,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": (
            f"{platform.machine()}, {_cores()} cores, "
            f"Python {platform.python_version()}"
        ),
        "commit": _commit(),
        "ortools": importlib.metadata.version("ortools") if has_ortools() else None,
        "pyvrp": importlib.metadata.version("pyvrp") if has_pyvrp() else None,
        # Other work on the machine inflates wall times; CPU times are kept too.
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "rows": rows,
        "growth_exponent": {
            "roadshow": growth_exponent(rows, "roadshow"),
            "reference": growth_exponent(rows, "reference"),
        },
        "cli_seconds": cli_times(outputs=mode == "full") if cli else None,
        "calendar_export": cal,
    }


def merged(earlier: dict[str, Any], rerun: dict[str, Any]) -> dict[str, Any]:
    """*earlier*'s figures with the rows (and export) of a ``--only`` rerun.

    Rows keep their order and their own ``commit``; what was not rerun (the
    command-line times, the calendar export unless its instance was) stays.
    """
    fresh = {r["instance"]: r for r in rerun["rows"]}
    rows = [fresh.pop(r["instance"], r) for r in earlier["rows"]]
    rows += fresh.values()
    return {
        **earlier,
        "rows": rows,
        "rerun": [
            *earlier.get("rerun", []),
            {
                "date": rerun["date"],
                "commit": rerun["commit"],
                "instances": [r["instance"] for r in rerun["rows"]],
                "load_average": rerun["load_average"],
            },
        ],
        "growth_exponent": {
            "roadshow": growth_exponent(rows, "roadshow"),
            "reference": growth_exponent(rows, "reference"),
        },
        "calendar_export": rerun["calendar_export"] or earlier.get("calendar_export"),
    }


def _cores() -> int:
    return os.cpu_count() or 1


def main(argv: list[str] | None = None) -> None:
    """Parse the options, run, print the table, write JSON and the plot."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--quick", action="store_true", help="small instances, small reference budgets"
    )
    mode.add_argument(
        "--smoke", action="store_true", help="one tiny instance (the test suite's)"
    )
    parser.add_argument(
        "--json",
        type=Path,
        help="where to write the figures (default bench/results/MODE.json)",
    )
    parser.add_argument(
        "--plot",
        type=Path,
        help="where to write the plot (default docs/performance.svg, full run only)",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="INSTANCE",
        help="rerun only this instance (repeatable) and replace its row in the "
        "figures already written, which keep their own commit",
    )
    parser.add_argument(
        "--keep-reference",
        action="store_true",
        help="with --only: rerun roadshow alone and keep each row's reference "
        "figures (and their commit), when only roadshow changed",
    )
    args = parser.parse_args(argv)
    name = "quick" if args.quick else "smoke" if args.smoke else "full"
    cases = QUICK if args.quick else SMOKE if args.smoke else FULL
    biggest = (
        None if args.smoke else cases[-2].name if name == "full" else cases[-1].name
    )
    out = args.json or ROOT / "bench" / "results" / f"{name}.json"
    if args.only:
        unknown = sorted(set(args.only) - {c.name for c in cases})
        if unknown:
            parser.error(f"not an instance of the {name} run: {', '.join(unknown)}")
        cases = tuple(c for c in cases if c.name in args.only)
    earlier = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    if args.keep_reference and not (args.only and earlier):
        parser.error("--keep-reference needs --only and figures already written")
    figures = run(
        cases,
        mode=name,
        calendars_from=biggest,
        cli=name != "smoke" and not args.only,
        references={r["instance"]: r for r in earlier["rows"]}
        if args.keep_reference and earlier
        else None,
    )
    if args.only and earlier:
        figures = merged(earlier, figures)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(
        f"{name} run, {figures['date']}, {figures['machine']}, "
        f"commit {figures['commit']}"
    )
    print(table(figures["rows"]))
    limits = limit_table(figures["rows"])
    if limits:
        print("\ndistance to the limit (per person: home and the places visited)")
        print(limits)
    print(
        f"growth exponent (time vs events, {', '.join(SCALE)}): "
        f"{figures['growth_exponent']}"
    )
    print(f"CLI wall time (s): {figures['cli_seconds']}")
    print(f"load average before/after: {figures['load_average']}")
    if figures["calendar_export"]:
        print(f"calendar export: {figures['calendar_export']}")
    plot_path = args.plot or (
        ROOT / "docs" / "performance.svg" if name == "full" else None
    )
    if plot_path is not None:
        plot(figures["rows"], plot_path)
    print(f"figures: {out}")


if __name__ == "__main__":
    main()
