"""The same scenario planned in two processes with different hash seeds: same bytes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from roadshow.exporters.itinerary import is_pdf_available
from safety_kit import NATIONAL, roadshow_command, roadshow_env, snapshot

pytestmark = pytest.mark.slow

SEEDS = ("1", "2")
PDF = ("--pdf",) if is_pdf_available() else ()  # PDFs too, where they can be made


def plan_both(root: Path) -> dict[str, list[str]]:
    """Plan the default scenario, then a changed one, into root/SEED for each seed.

    The two seeds' processes run side by side; each returns its stdouts.
    """
    stdouts: dict[str, list[str]] = {seed: [] for seed in SEEDS}
    # The second run drops the other kinds' events: allowed, so it publishes.
    for args in ((), (*NATIONAL, "--allow-cancel", "all")):
        runs = {
            seed: subprocess.Popen(
                roadshow_command("-q", "plan", *args, "--out", str(root / seed), *PDF),
                env=roadshow_env(PYTHONHASHSEED=seed),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for seed in SEEDS
        }
        for seed, process in runs.items():
            out, err = process.communicate(timeout=600)
            assert process.returncode in {0, 1}, err
            stdouts[seed].append(out)
    return stdouts


def test_every_output_is_identical_across_hash_seeds(tmp_path: Path) -> None:
    """PYTHONHASHSEED changes no byte of any output, summary or history."""
    runs = plan_both(tmp_path)
    first, second = (snapshot(tmp_path / seed) for seed in SEEDS)
    assert runs[SEEDS[0]] == runs[SEEDS[1]]
    assert sorted(first) == sorted(second)
    for name in sorted(first):
        assert first[name] == second[name], name
    # Both versions, every format: plan file, calendars, itineraries, tables, history.
    assert {
        "history.sqlite",
        "versions/0001/plan.json",
        "versions/0002/plan.json",
    } <= set(first)
    assert "versions/0001/calendars/public/areas/5ND.ics" in first
    assert "versions/0002/calendars/internal/programme.ics" in first
    formats = ["txt", "md", "html"] + (["pdf"] if is_pdf_available() else [])
    for extension in formats:
        assert f"versions/0001/itineraries/darzi.{extension}" in first
    assert {"versions/0001/programme.csv", "versions/0001/programme.json"} <= set(first)
    links = {(tmp_path / seed / "latest").readlink() for seed in SEEDS}
    assert links == {Path("versions/0002")}
