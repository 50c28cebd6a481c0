"""A tiny run of the benchmark harness: figures come out and plans break no rule.

The harness runs as a user runs it (``python -m bench --smoke``, a subprocess
from the repository root). The reference side needs OR-Tools, which is only in
the ``bench`` extra: without it the reference is reported as not run, and the
test that needs it is skipped. No timing is asserted.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
HAS_ORTOOLS = importlib.util.find_spec("ortools") is not None


def _bench_smoke(out: Path, *more: str) -> str:
    """Run ``python -m bench --smoke --json OUT MORE...`` as a user does; its stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--json", str(out), *more],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    stdout = _bench_smoke(out)
    return json.loads(out.read_text(encoding="utf-8")), stdout


def test_roadshow_figures(smoke: tuple[dict[str, Any], str]) -> None:
    """Roadshow's side reports time, memory and an objective, with no hard violation."""
    figures, _ = smoke
    (row,) = figures["rows"]
    assert row["instance"] == "nhs-2008-tour"
    assert (row["events"], row["people"], row["days"]) == (20, 12, 89)
    rs = row["roadshow"]
    assert rs["seconds"] > 0
    assert rs["peak_mib"] >= rs["base_mib"] > 0
    assert rs["hard_violations"] == 0, rs["violation_examples"]
    assert rs["unplaced"] == 0
    assert rs["objective"]["travel_minutes"] > 0
    assert rs["key"][0] == 0


def test_table_printed(smoke: tuple[dict[str, Any], str]) -> None:
    """The printed table has a row for the instance."""
    _, stdout = smoke
    assert "| instance | events |" in stdout
    assert "| nhs-2008-tour | 20 | 12 | 89 |" in stdout


@pytest.mark.skipif(HAS_ORTOOLS, reason="OR-Tools is installed: the reference runs")
def test_reference_not_run_without_ortools(smoke: tuple[dict[str, Any], str]) -> None:
    """Without OR-Tools the reference is reported as not run, not as a result."""
    figures, stdout = smoke
    assert figures["rows"][0]["reference"] is None
    assert "not run" in stdout


@pytest.mark.skipif(not HAS_ORTOOLS, reason="needs OR-Tools: pip install -e '.[bench]'")
def test_reference_figures(smoke: tuple[dict[str, Any], str]) -> None:
    """The reference's plan is scored and checked by roadshow: no hard violation."""
    figures, _ = smoke
    row = figures["rows"][0]
    ref = row["reference"]
    assert ref["hard_violations"] == 0, ref["violation_examples"]
    assert ref["unplaced"] == 0
    # The reference's lower bound can never exceed roadshow's travel, nor its own.
    bound = ref["bound"]["travel"]
    assert bound <= ref["objective"]["travel_minutes"]
    assert bound <= row["roadshow"]["objective"]["travel_minutes"]
    assert row["verdict"] in {"better", "equal", "worse"}


@pytest.mark.skipif(
    importlib.util.find_spec("pyvrp") is None,
    reason="needs PyVRP: pip install -e '.[bench]'",
)
def test_routing_limit(smoke: tuple[dict[str, Any], str]) -> None:
    """The tour's places are the scenario's: bound <= tour <= roadshow's travel."""
    figures, stdout = smoke
    limit = figures["rows"][0]["roadshow"]["limit"]
    assert limit["venues_fixed"]
    assert limit["triangle_inequality"]
    assert limit["unplaced"] == 0
    assert 0 < limit["lower_bound"] <= limit["tsp"] <= limit["travel"]
    assert (
        limit["travel"] == figures["rows"][0]["roadshow"]["objective"]["travel_minutes"]
    )
    assert "distance to the limit" in stdout


def test_only_replaces_its_rows_and_keeps_the_rest() -> None:
    """``--only``: the rerun rows replace theirs in place, keeping the others and
    their commits; the rerun is recorded; the export is kept unless remeasured."""
    from bench.run import merged

    def row(name: str, commit: str) -> dict[str, Any]:
        return {"instance": name, "commit": commit, "roadshow": {}, "reference": None}

    earlier = {
        "commit": "aaaaaaa",
        "rows": [row("a", "aaaaaaa"), row("b", "aaaaaaa"), row("c", "aaaaaaa")],
        "cli_seconds": {"help": 0.05},
        "calendar_export": {"ratio": 2.0},
    }
    rerun = {
        "date": "2026-12-01 11:00 UTC",
        "commit": "bbbbbbb",
        "rows": [row("b", "bbbbbbb")],
        "load_average": {"before": [1, 1, 1], "after": [1, 1, 1]},
        "calendar_export": None,
    }
    out = merged(earlier, rerun)
    assert [(r["instance"], r["commit"]) for r in out["rows"]] == [
        ("a", "aaaaaaa"),
        ("b", "bbbbbbb"),
        ("c", "aaaaaaa"),
    ]
    assert out["commit"] == "aaaaaaa"
    assert out["cli_seconds"] == {"help": 0.05}
    assert out["calendar_export"] == {"ratio": 2.0}
    assert out["rerun"][0]["instances"] == ["b"]
    assert out["rerun"][0]["commit"] == "bbbbbbb"


def test_keep_reference_reruns_roadshow_alone(
    smoke: tuple[dict[str, Any], str], tmp_path: Path
) -> None:
    """``--only X --keep-reference``: roadshow's side is measured again, the
    reference's figures are the earlier row's, named with the earlier commit."""
    figures, _ = smoke
    earlier = json.loads(json.dumps(figures))
    (row,) = earlier["rows"]
    row["commit"] = "abcdef0"
    if row["reference"] is not None:
        row["reference"]["kept"] = True  # a run of the reference would not say so
    row["roadshow"]["seconds"] = -1.0
    out = tmp_path / "figures.json"
    out.write_text(json.dumps(earlier), encoding="utf-8")
    _bench_smoke(out, "--only", "nhs-2008-tour", "--keep-reference")
    (again,) = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert again["reference"] == row["reference"]
    assert again["reference_commit"] == "abcdef0"
    assert again["commit"] != "abcdef0"
    assert again["roadshow"]["seconds"] > 0
