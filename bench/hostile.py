"""Hostile inputs up to 50 MB against the 30 s and 1 GiB limits (issue 16).

    python -m bench.hostile [--mb 50] [--only CASE] [--timeout 600]

Writes each big input into a temporary folder, runs the real CLI on it as a
fresh process, one case at a time, and prints per case: the input's size, the
exit code, the wall time, the CPU time (user + system) and the peak resident
memory of the roadshow process (``getrusage`` of a wrapper process's children,
so each case is measured alone), against the 30 s and 1 GiB limits, and the last
line roadshow wrote to stderr. A case over a limit is marked ``OVER``; one still
running after ``--timeout`` seconds is killed and marked ``TIMEOUT``.

Diaries run ``roadshow import-diary FILE --person darzi`` (the bundled
scenario's one-month window); the table runs ``roadshow show``; the busy person
runs ``roadshow plan --no-out``. ``--mb`` scales the inputs (the tests run it
tiny). On a shared machine wall times move with the load; CPU times move less.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

LIMIT_S = 30.0
LIMIT_MB = 1024.0
EPOCH = "1220256000"

_WRAPPER = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=False)
use = resource.getrusage(resource.RUSAGE_CHILDREN)
lines = done.stderr.strip().splitlines()
print(json.dumps({
    "code": done.returncode,
    "cpu": use.ru_utime + use.ru_stime,
    "peak_kb": use.ru_maxrss,
    "last": lines[-1] if lines else "",
}))
"""
"""Runs one command and reports its exit code, CPU time, peak memory (KB on
Linux) and last stderr line: the wrapper's only child is the command."""

CALENDAR_HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//hostile//EN\r\n"
CALENDAR_TAIL = "END:VCALENDAR\r\n"


def _event(n: int, day: str) -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:e{n}@bench\r\nDTSTAMP:20010101T000000Z\r\n"
        f"DTSTART:{day}T090000Z\r\nDTEND:{day}T100000Z\r\nSUMMARY:Meeting {n}\r\n"
        "END:VEVENT\r\n"
    )


def _repeat(size: int, head: str, make: Callable[[int], str], tail: str) -> str:
    """*head*, then ``make(0)``, ``make(1)``... while they fit in *size*, *tail*."""
    parts, total, n = [head], len(head) + len(tail), 0
    while True:
        part = make(n)
        if total + len(part) > size:
            break
        parts.append(part)
        total += len(part)
        n += 1
    parts.append(tail)
    return "".join(parts)


def _calendar(size: int, make: Callable[[int], str], *, tail: str = "") -> str:
    return _repeat(size, CALENDAR_HEAD, make, tail + CALENDAR_TAIL)


def past_events(size: int) -> str:
    """Plain events years before the window (a long diary's history)."""
    return _calendar(size, lambda n: _event(n, f"2001{1 + n % 12:02}{1 + n % 28:02}"))


def future_events(size: int) -> str:
    """Plain events years after the window."""
    return _calendar(size, lambda n: _event(n, f"2030{1 + n % 12:02}{1 + n % 28:02}"))


def past_events_with_alarms(size: int) -> str:
    """Past events in a named zone, each with an alarm (as Outlook exports them)."""

    def make(n: int) -> str:
        day = f"2001{1 + n % 12:02}{1 + n % 28:02}"
        return (
            f"BEGIN:VEVENT\r\nUID:a{n}@bench\r\nDTSTAMP:20010101T000000Z\r\n"
            f"DTSTART;TZID=Europe/London:{day}T090000\r\n"
            f"DTEND;TZID=Europe/London:{day}T100000\r\nSUMMARY:Meeting {n}\r\n"
            "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\n"
            "DESCRIPTION:Reminder\r\nEND:VALARM\r\nEND:VEVENT\r\n"
        )

    return _calendar(size, make)


def todos(size: int) -> str:
    """To-dos, which roadshow skips."""
    return _calendar(
        size,
        lambda n: f"BEGIN:VTODO\r\nUID:t{n}@bench\r\nSUMMARY:Task {n}\r\nEND:VTODO\r\n",
    )


def big_todo(size: int) -> str:
    """One to-do of the whole size, in short lines."""
    head = CALENDAR_HEAD + "BEGIN:VTODO\r\nUID:big@bench\r\n"
    return _repeat(
        size, head, lambda n: f"X-NOTE:{n}\r\n", "END:VTODO\r\n" + CALENDAR_TAIL
    )


def rdates(size: int) -> str:
    """One event with an RDATE line per date: a million dates in 50 MB."""
    head = CALENDAR_HEAD + (
        "BEGIN:VEVENT\r\nUID:r@bench\r\nDTSTART:20080910T090000Z\r\n"
        "DTEND:20080910T100000Z\r\n"
    )
    return _repeat(
        size,
        head,
        lambda n: f"RDATE:2008{9 + n % 2:02}{1 + n % 28:02}T{n % 24:02}0000Z\r\n",
        "END:VEVENT\r\n" + CALENDAR_TAIL,
    )


def nested(size: int) -> str:
    """X- components nested ever deeper."""
    half = max(size // 2, len(CALENDAR_HEAD))
    opened = _repeat(half, CALENDAR_HEAD, lambda n: f"BEGIN:X-N{n % 10}\r\n", "")
    depth = opened.count("BEGIN:X-N")
    closes = "".join(f"END:X-N{n % 10}\r\n" for n in reversed(range(depth)))
    return opened + closes + CALENDAR_TAIL


def one_line(size: int) -> str:
    """A single line of the whole size, inside an event."""
    room = max(size - len(CALENDAR_HEAD) - 200, 1)
    return CALENDAR_HEAD + f"X-BIG:{'a' * room}\r\n" + CALENDAR_TAIL


def zones(size: int) -> str:
    """VTIMEZONEs, each a zone of its own."""
    return _calendar(
        size,
        lambda n: (
            f"BEGIN:VTIMEZONE\r\nTZID:Zone {n}\r\nBEGIN:STANDARD\r\n"
            "DTSTART:19701025T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\n"
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
            "END:VTIMEZONE\r\n"
        ),
    )


def in_window_events(size: int) -> str:
    """Plain events in the window, more than roadshow reads."""
    return _calendar(size, lambda n: _event(n, f"200809{10 + n % 20:02}"))


SCENARIO_HEAD = """\
id = "hostile"
name = "Hostile bench"
start = {start}
end = {end}
timezone = "Europe/London"

[[venues]]
id = "office"
name = "Office"
lat = 51.5025
lon = -0.1252

[[venues]]
id = "leeds"
name = "Leeds Civic Hall"
lat = 53.8018
lon = -1.5486

[[people]]
id = "ann"
name = "Ann Patel"
role = "principal"
home = "office"
"""


def big_table(size: int, folder: Path) -> Path:
    """A scenario whose venues table is *size* bytes."""
    head = "id,name,address,lat,lon,capacity,region,area,accessible\n"
    table = _repeat(
        size,
        head,
        lambda n: (
            f"v{n},Hall {n},{n} High Street,54.{n % 1000:03},-1.{n % 997:03},,,,\n"
        ),
        "",
    )
    (folder / "venues.csv").write_text(table, encoding="utf-8")
    path = folder / "table.toml"
    path.write_text(TABLE_SCENARIO, encoding="utf-8")
    return path


TABLE_SCENARIO = """\
id = "hostile-table"
name = "Hostile bench: a big table"
start = 2008-09-08
end = 2008-10-08
timezone = "Europe/London"

[tables]
venues = "venues.csv"

[[people]]
id = "ann"
name = "Ann Patel"
role = "principal"
home = "v0"
"""


def busy_person(requests: int, folder: Path) -> Path:
    """A scenario of *requests* requests for one person over a one-year window."""
    parts = [SCENARIO_HEAD.format(start="2008-01-01", end="2008-12-31")]
    parts.extend(
        f'\n[[requests]]\nid = "r{n}"\ntitle = "Meeting {n}"\n'
        f'attendees = ["ann"]\nvenue = "{"leeds" if n % 2 else "office"}"\n'
        'duration = "1h"\nslots = ["mon-fri 10:00-16:30"]\n'
        for n in range(requests)
    )
    path = folder / "busy.toml"
    path.write_text("".join(parts), encoding="utf-8")
    return path


DIARIES: dict[str, Callable[[int], str]] = {
    "past-events": past_events,
    "future-events": future_events,
    "past-with-alarms": past_events_with_alarms,
    "todos": todos,
    "one-big-todo": big_todo,
    "rdates": rdates,
    "nested": nested,
    "one-line": one_line,
    "zones": zones,
    "in-window-events": in_window_events,
}
CASES = [*DIARIES, "table", "busy-person"]


def prepare(case: str, size: int, folder: Path) -> list[str]:
    """Write *case*'s input into *folder*; return the roadshow arguments to run."""
    if case in DIARIES:
        path = folder / f"{case}.ics"
        path.write_bytes(DIARIES[case](size).encode("utf-8"))
        return ["import-diary", str(path), "--person", "darzi"]
    if case == "table":
        return ["show", str(big_table(size, folder))]
    requests = 500 if size >= 1_000_000 else 5
    return ["plan", str(busy_person(requests, folder)), "--no-out"]


def measure(args: list[str], timeout: float) -> dict[str, object]:
    """Run ``roadshow ARGS`` alone in a wrapper; return its figures."""
    command = [sys.executable, "-m", "roadshow", *args]
    env_command = [sys.executable, "-c", _WRAPPER, *command]
    began = time.perf_counter()
    try:
        done = subprocess.run(
            env_command,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
            env=_env(),
        )
    except subprocess.TimeoutExpired:
        return {"code": None, "wall": time.perf_counter() - began}
    wall = time.perf_counter() - began
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall"] = wall
    return figures


def _env() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "COLUMNS": "200"}


def run(cases: list[str], mb: float, timeout: float) -> Iterator[dict[str, object]]:
    """Measure each case; yield a row of figures per case."""
    size = int(mb * 1024 * 1024)
    for case in cases:
        with tempfile.TemporaryDirectory(prefix="bench-hostile-") as name:
            folder = Path(name)
            args = prepare(case, size, folder)
            written = sum(p.stat().st_size for p in folder.iterdir())
            row = {"case": case, "mb": written / 1024 / 1024, **measure(args, timeout)}
        yield row


def verdict(row: dict[str, object]) -> str:
    """``ok``, ``OVER`` (time or memory) or ``TIMEOUT``."""
    if row.get("code") is None:
        return "TIMEOUT"
    peak_mb = float(row["peak_kb"]) / 1024  # type: ignore[arg-type]
    over = float(row["wall"]) > LIMIT_S or peak_mb > LIMIT_MB  # type: ignore[arg-type]
    return "OVER" if over else "ok"


def format_row(row: dict[str, object]) -> str:
    """One line of the table."""
    if row.get("code") is None:
        return (
            f"{row['case']:<17} {row['mb']:>7.1f}    -  {row['wall']:>7.1f}"
            "        -         -  TIMEOUT"
        )
    return (
        f"{row['case']:<17} {row['mb']:>7.1f} {row['code']:>4} {row['wall']:>8.1f}"
        f" {row['cpu']:>8.1f} {float(row['peak_kb']) / 1024:>9.0f}"  # type: ignore[arg-type]
        f"  {verdict(row):<7} {str(row['last'])[:100]}"
    )


HEADER = (
    "case                   MB exit   wall s    CPU s   peak MB  verdict"
    " last stderr line"
)


def main(argv: list[str] | None = None) -> int:
    """Measure the cases and print the table; exit 1 if any is over a limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="input size (50)")
    parser.add_argument("--only", action="append", choices=CASES, help="repeatable")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    options = parser.parse_args(argv)
    print(f"limits: {LIMIT_S:g} s wall, {LIMIT_MB:g} MB peak; inputs {options.mb:g} MB")
    print(HEADER)
    rows = []
    for row in run(options.only or CASES, options.mb, options.timeout):
        print(format_row(row), flush=True)
        rows.append(row)
    if options.json:
        options.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 1 if any(verdict(row) != "ok" for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
