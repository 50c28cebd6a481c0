"""The same scenario planned in two processes with different hash seeds: same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from safety_kit import NATIONAL, roadshow_env, run_roadshow, snapshot

pytestmark = pytest.mark.slow

SEEDS = ("1", "2")


def plan_twice(out: Path, seed: str) -> list[str]:
    """Plan the default scenario, then a changed one, into *out*; return stdouts."""
    env = roadshow_env(PYTHONHASHSEED=seed)
    stdouts = []
    for args in ((), NATIONAL):
        done = run_roadshow("-q", "plan", *args, "--out", str(out), env=env)
        assert done.returncode in {0, 1}, done.stderr
        stdouts.append(done.stdout)
    return stdouts


def test_every_output_is_identical_across_hash_seeds(tmp_path: Path) -> None:
    """PYTHONHASHSEED changes no byte of any output, summary or history."""
    runs = {seed: plan_twice(tmp_path / seed, seed) for seed in SEEDS}
    first, second = (snapshot(tmp_path / seed) for seed in SEEDS)
    assert runs[SEEDS[0]] == runs[SEEDS[1]]
    assert sorted(first) == sorted(second)
    for name in sorted(first):
        assert first[name] == second[name], name
    # Both versions, every format: the plan file, calendars and the history.
    assert {
        "history.sqlite",
        "versions/0001/plan.json",
        "versions/0002/plan.json",
    } <= set(first)
    assert "versions/0001/calendars/public/areas/5ND.ics" in first
    assert "versions/0002/calendars/internal/programme.ics" in first
    links = {(tmp_path / seed / "latest").readlink() for seed in SEEDS}
    assert links == {Path("versions/0002")}
