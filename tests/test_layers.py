"""The import-layer contract: which parts of roadshow may import which.

Written from the module map in docs/ARCHITECTURE.md (and STYLE.md). A module may
import from its own layer's package and from any layer below it, never above:

    cli                                         the command line
    outputs, itinerary_files, history, feeds, publish, geocode, _fs   the shell
    data                                        the bundled scenarios
    exporters | importers                       formats out, formats in (apart)
    planner | checks                            planning, checking (apart)
    versions, planfile, advance, icsfields, travel, rules, objective
    model, timeutil, errors, _fields            the domain, its errors, typed reading

``exporters`` and ``importers`` never import each other; nor do ``planner`` and
``checks``. The package ``roadshow/__init__`` is the lazy public API and sits
above everything. Imports under ``if TYPE_CHECKING:`` do not count (they never
run). A new top-level module must be added to a layer here, or the test fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import grimp
import pytest

LAYERS: tuple[grimp.Layer, ...] = (
    grimp.Layer("cli"),
    grimp.Layer(
        "outputs",
        "itinerary_files",
        "history",
        "feeds",
        "publish",
        "geocode",
        "_fs",
        independent=False,
    ),
    grimp.Layer("data"),
    grimp.Layer("exporters", "importers"),
    grimp.Layer("planner", "checks"),
    grimp.Layer(
        "versions",
        "planfile",
        "advance",
        "icsfields",
        "travel",
        "rules",
        "limits",
        "nights",
        "objective",
        independent=False,
    ),
    grimp.Layer("model", "timeutil", "errors", "_fields", independent=False),
)
"""Highest first. ``independent``: the layer's parts may not import each other."""

ENTRY_POINTS = {"roadshow", "roadshow.__main__"}
"""The lazy public API and ``python -m roadshow``: above every layer."""


@cache
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("roadshow", exclude_type_checking_imports=True)


def layered_modules() -> set[str]:
    return {f"roadshow.{name}" for layer in LAYERS for name in layer.module_tails}


def top_level_modules(import_graph: grimp.ImportGraph) -> set[str]:
    return {m for m in import_graph.modules if m.count(".") == 1}


def illegal(import_graph: grimp.ImportGraph) -> list[str]:
    """Return each forbidden import chain as "a -> b -> c" (importer first)."""
    found = import_graph.find_illegal_dependencies_for_layers(
        layers=LAYERS, containers={"roadshow"}
    )
    return sorted(
        " -> ".join([head, *route.middle, tail])
        for dependency in found
        for route in dependency.routes
        for head in route.heads
        for tail in route.tails
    )


def package_cycles(import_graph: grimp.ImportGraph) -> list[list[str]]:
    """Return the cycles among top-level packages (``roadshow.X``), if any."""
    edges: dict[str, set[str]] = {}
    for module in import_graph.modules:
        if module in ENTRY_POINTS:
            continue
        source = ".".join(module.split(".")[:2])
        for imported in import_graph.find_modules_directly_imported_by(module):
            target = ".".join(imported.split(".")[:2])
            if target != source and target not in ENTRY_POINTS:
                edges.setdefault(source, set()).add(target)
    return [scc for scc in _strongly_connected(edges) if len(scc) > 1]


def _strongly_connected(edges: dict[str, set[str]]) -> Iterator[list[str]]:
    """Tarjan's algorithm over a small graph."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> Iterator[list[str]]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                yield from visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            yield sorted(component)

    for node in sorted(edges):
        if node not in index:
            yield from visit(node)


def test_every_top_level_module_has_a_layer() -> None:
    """A new module or package must be placed in the map before it is used."""
    unplaced = top_level_modules(graph()) - layered_modules() - ENTRY_POINTS
    assert not unplaced, f"add to LAYERS in tests/test_layers.py: {sorted(unplaced)}"


def test_no_import_goes_up_a_layer() -> None:
    """The core never imports the shell; importers never import exporters; etc."""
    assert illegal(graph()) == []


def test_no_package_level_cycle() -> None:
    """No two top-level packages import each other, directly or round a loop."""
    assert package_cycles(graph()) == []


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("roadshow.model.plan", "roadshow.history"),  # the core importing the shell
        ("roadshow.importers.plan_ics", "roadshow.exporters.ics"),  # in -> out
        ("roadshow.planner._search", "roadshow.checks"),  # planner -> checks
        ("roadshow.versions", "roadshow.exporters.ics.render"),  # down -> up
    ],
)
def test_a_forbidden_import_is_caught(importer: str, imported: str) -> None:
    """Adding a forbidden import to the real graph makes the contract fail."""
    import_graph = grimp.build_graph("roadshow", exclude_type_checking_imports=True)
    import_graph.add_import(importer=importer, imported=imported)
    assert any(line.startswith(importer) for line in illegal(import_graph))


def test_a_package_cycle_is_caught() -> None:
    """The model importing versions (which imports the model) closes a loop."""
    import_graph = grimp.build_graph("roadshow", exclude_type_checking_imports=True)
    import_graph.add_import(
        importer="roadshow.model.plan", imported="roadshow.versions"
    )
    assert package_cycles(import_graph) == [["roadshow.model", "roadshow.versions"]]


def test_only_the_command_line_imports_click() -> None:
    """click stays in cli/: the library runs without a terminal in sight."""
    with_externals = grimp.build_graph(
        "roadshow", include_external_packages=True, exclude_type_checking_imports=True
    )
    users = with_externals.find_modules_that_directly_import("click")
    assert sorted(m for m in users if not m.startswith("roadshow.cli")) == []
