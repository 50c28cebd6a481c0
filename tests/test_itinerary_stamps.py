"""An itinerary keeps the plan version it was issued in while it does not change.

So copies already printed or sent stay current after a re-plan, only the changed
itineraries carry the new version (and are printed again with --pdf), and
`plan --out` says which ones to send again.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pendulum

from builders import person, scenario, visit
from roadshow.model import Commitment, Plan, Scenario
from roadshow.outputs import OutputFolder
from roadshow.planner import solve
from safety_kit import roadshow_env, run_roadshow

ISSUED = pendulum.datetime(2008, 9, 1, 9, tz="Europe/London")


def _bob_loses_york() -> tuple[Scenario, Plan, Scenario, Plan]:
    """Ann and Bob planned; then Bob's York slot is taken, so only his days move."""
    people = (person("ann"), person("bob", home="leeds"))
    first = scenario(
        [
            visit("a-bristol", "bristol"),
            visit("a-oxford", "oxford"),
            visit("b-york", "york", people=("bob",)),
            visit("b-sheffield", "sheffield", people=("bob",)),
        ],
        people=people,
    )
    planned = solve(first).plan
    york = next(e for e in planned.events if e.request_id == "b-york")
    busy = Commitment(person_id="bob", start=york.start, end=york.end, label="Audit")
    second = attrs.evolve(first, commitments=(busy,))
    replanned = solve(second, baseline=planned).plan
    assert replanned.events_for("ann") == planned.events_for("ann")
    assert replanned.events_for("bob") != planned.events_for("bob")
    return first, planned, second, replanned


def test_only_the_changed_itinerary_takes_the_new_version(tmp_path: Path) -> None:
    """Bob's day moves: his itinerary says version 2, Ann's stays byte for byte."""
    first, planned, second, replanned = _bob_loses_york()
    with OutputFolder.open(tmp_path / "out") as folder:
        one = folder.publish(first, planned, issued_at=ISSUED)
        two = folder.publish(second, replanned, issued_at=ISSUED.add(days=7))

    assert one.changed_itineraries == ("ann", "bob")
    assert two.changed_itineraries == ("bob",)
    v1, v2 = one.folder / "itineraries", two.folder / "itineraries"
    for ext in ("html", "md", "txt"):
        assert (v2 / f"ann.{ext}").read_bytes() == (v1 / f"ann.{ext}").read_bytes()
    assert "Plan version 1, issued Mon 1 Sep 2008" in (v2 / "ann.txt").read_text()
    assert "Plan version 2, issued Mon 8 Sep 2008" in (v2 / "bob.txt").read_text()
    assert "Plan version 1" not in (v2 / "bob.html").read_text()


def test_a_stamp_is_kept_only_if_the_page_renders_the_same(tmp_path: Path) -> None:
    """Ann's published page was edited by hand: hers no longer matches what
    roadshow would write under version 1, so it is issued under version 2."""
    first, planned, second, replanned = _bob_loses_york()
    with OutputFolder.open(tmp_path / "out") as folder:
        one = folder.publish(first, planned, issued_at=ISSUED)
        page = one.folder / "itineraries" / "ann.html"
        page.write_text(page.read_text().replace("Bristol", "Bath"))
        two = folder.publish(second, replanned, issued_at=ISSUED.add(days=7))

    assert two.changed_itineraries == ("ann", "bob")
    text = (two.folder / "itineraries" / "ann.txt").read_text()
    assert "Plan version 2, issued Mon 8 Sep 2008" in text


def test_plan_out_names_the_itineraries_to_send_again(tmp_path: Path) -> None:
    """The real CLI on the bundled programme: one chair's evening is taken, so
    only that chair's itinerary changes and the other eleven keep version 1."""
    env = {**roadshow_env(), "SOURCE_DATE_EPOCH": "1220256000"}
    assert run_roadshow("-q", "init", str(tmp_path / "sc"), env=env).returncode == 0
    out = tmp_path / "out"
    first = run_roadshow("-q", "plan", str(tmp_path / "sc"), "--out", str(out), env=env)
    assert first.returncode == 0, first.stderr
    diary = tmp_path / "sc" / "commitments.csv"
    with diary.open("a", encoding="utf-8", newline="") as f:
        f.write("chair-Q36,2008-09-01T17:00,2008-09-01T21:00,Board dinner,home\n")
    env["SOURCE_DATE_EPOCH"] = "1220860800"  # a week later
    done = run_roadshow("plan", str(tmp_path / "sc"), "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert (
        "Itineraries changed: Chair, NHS London"
        " (11 unchanged keep their earlier plan version)"
    ) in done.stderr
    pages = sorted((out / "latest" / "itineraries").glob("*.txt"))
    stamps = [
        "version 2" if "Plan version 2," in p.read_text() else "version 1"
        for p in pages
    ]
    assert stamps.count("version 2") == 1
    assert stamps.count("version 1") == 11
    assert pages[stamps.index("version 2")].name == "chair-Q36.txt"
    # `roadshow itinerary --plan OUT` prints each page as the folder has it.
    for chair in ("chair-Q30", "chair-Q36"):
        shown = run_roadshow(
            "-q", "itinerary", str(tmp_path / "sc"), "--plan", str(out),
            "--person", chair, "--format", "text", env=env,
        )  # fmt: skip
        assert shown.returncode == 0, shown.stderr
        saved = out / "latest" / "itineraries" / f"{chair}.txt"
        assert shown.stdout == saved.read_text(encoding="utf-8")
