"""The reference's parameters and results."""

from __future__ import annotations

from attrs import frozen

from roadshow.model import Plan


@frozen(kw_only=True)
class ReferenceParams:
    """How long and how hard the reference may work.

    Attributes:
        deterministic_s: CP-SAT's deterministic time over all parts (its work
            measure, in "seconds" of one worker; model building not included).
            None: a wall-clock limit of ``time_limit_s`` instead.
        time_limit_s: CP-SAT's wall time over all parts, when ``deterministic_s``
            is None (model building included).
        workers: CP-SAT search workers (1: deterministic; more share the cores).
        max_arcs: Above this many arcs in a part, keep only nearest-venue arcs.
        neighbours: How many nearest venues each node keeps when thinning.
        split_choices: Above this many (group, venue, day) choices, a part is
            split by people and the pieces are solved one after another.
        seed: CP-SAT's random seed.
    """

    deterministic_s: float | None = 60.0
    time_limit_s: float = 60.0
    workers: int = 1
    max_arcs: int = 600_000
    neighbours: int = 12
    split_choices: int = 3000
    seed: int = 1


@frozen(kw_only=True)
class PartReport:
    """How one part's model went."""

    groups: int
    days: int
    arcs: int
    status: str
    seconds: float
    thinned: bool
    deterministic: float = 0.0
    """CP-SAT's deterministic time spent on the part."""


@frozen(kw_only=True)
class ReferenceResult:
    """The reference's plan, with its lower bound and model statistics."""

    plan: Plan
    bound: tuple[int, ...]
    """Lower bound on the leading objective criteria (unplaced, travel minutes, ...)."""
    bound_names: tuple[str, ...]
    optimal: bool
    """True when every part was proven optimal (for all criteria)."""
    sequential: bool
    """True when a part too big for one model was split by people and solved in turn."""
    parts: tuple[PartReport, ...]
    build_seconds: float
    solve_seconds: float

    @property
    def arcs(self) -> int:
        """Arcs over all parts."""
        return sum(p.arcs for p in self.parts)

    @property
    def thinned(self) -> bool:
        """True when some part kept only nearest-venue arcs."""
        return any(p.thinned for p in self.parts)

    @property
    def status(self) -> str:
        """The worst part status (OPTIMAL < FEASIBLE < UNKNOWN)."""
        order = ("OPTIMAL", "FEASIBLE", "UNKNOWN", "INFEASIBLE", "MODEL_INVALID")
        return max((p.status for p in self.parts), key=order.index, default="OPTIMAL")
