"""The reference optimiser: the same problems as a CP-SAT model (Google OR-Tools).

Written from the scenario's rules, not from roadshow's planner: it reads the
model, the travel model (:class:`roadshow.travel.EstimatedTravel`) and the
calendar rules (:mod:`roadshow.rules`), and nothing from ``roadshow.planner``.

The model
---------
A *group* is a request with the requests that follow it (same day and venue,
each starting when the one before ends plus the larger gap). Per group: one
boolean per (venue, day) it may use, or "unplaced"; one integer start (minute of
the local day) whose allowed values per day come from the slots, the attendees'
working hours, the start step, pins and diary commitments.

Each person's programme is a path through the days. Arcs join a home night,
the person's group-venue nodes and nights away:

* ``home>n`` / ``n>home``: the first leg from home, the last leg home;
* ``n>n'`` the same day: the second starts after the first ends plus travel;
* ``n=T>n'`` and ``n=N>n'`` overnight: a night near today's last venue and the
  leg next morning, or the leg this evening and a night near tomorrow's first;
* ``n=T>home`` (night near the last venue, home the next, empty day),
  ``home=N>n`` (out the empty day before, night near the first venue), and
  ``n=>n'`` across one empty day (two nights away).

Nights away are only near a venue at least ``min_stay_km`` from home; at most
``max_nights_away_in_row`` in a row; every path starts and ends at home within
the planning window. Legs are timed just in time: the first leg of a day arrives
as the person's first session starts, the others leave as the previous one ends,
and legs on empty days leave at the start of travel hours (later, around a
commitment). That is no loss without commitments; around a commitment it can
forbid a plan roadshow may find (a documented restriction of the reference).

Per-kind rules (per person and day, per region and week, region days of another
kind) are linear constraints; neighbour clashes and preferred starts are costs.

The humane rules of issue 13, as the planner and the checker read them:

* ``arrive_before`` (per kind and person, :meth:`Scenario.arrive_before`): a leg
  to a group ends that long before the person's first session, less the gap
  before it;
* ``max_event_days_in_row`` (per person) and ``max_events_per_week`` (Monday to
  Sunday): linear constraints on the days with an event and on the groups a week
  (a group with its follow-ons is one event; a week a part's days cut in two
  joins the part);
* diary commitments have places (their venue, or home): each one within a day is
  a node on the person's path at its fixed time and place, so the person travels
  to it and is there when it starts. Only commitments of people with events
  become nodes, and of those at home only the ones within a day of a day they
  may have an event (they are at home on the others anyway); a commitment over
  midnight stays a busy block only;
* ``min_night_saving`` (:func:`roadshow.nights.night_reason`): a night arc is
  kept only where the night has a reason, read from the arc's two nodes: it
  saves that much travel over going home and back (fixed by the two venues), or
  going home after the last node would end after ``late_after`` or travel hours
  (starts of that node), or leaving home for the next would be before working or
  travel hours (starts of that one). The arc keeps its nodes to the starts that
  give the reason (one of the two, by a switch, when either could); a night
  next to an empty day (``n=T>home``, ``home=N>n``, both nights of ``n=>n``) can
  only have the evening or the morning reason. Exact for the arcs above;
* idle days (``avoid_idle_days``): an ``n=>n'`` arc spends its empty day away,
  one idle day unless the person has a commitment that day. Going home and out
  again on the same empty day (``n=T>home`` and ``home=N>n`` sharing it) is not
  allowed: both legs would leave at the start of travel hours;
* tight days: per person and day, a flag set by any same-day arc whose two items
  are less than ``TIGHT_DAY_MINUTES`` apart, the journey between taken off.

The objective is roadshow's, lexicographic (:mod:`roadshow.objective`), in
three CP-SAT solves: (unplaced, idle days, travel), then (nights, late
finishes, tight days), then (neighbour clashes, preference minutes), each
holding the value the one before reached and starting from its whole solution.
Within a stage the weights are exact.
CP-SAT runs one search worker with a fixed seed under a *deterministic* time
budget (``deterministic_s``, CP-SAT's own measure of work done, independent of
the machine's load), so the same instance gives the same plan in every run and
runs on a busy machine compare with runs on an idle one. A wall-clock limit
(``time_limit_s`` with ``deterministic_s=None``) and more workers remain
available, for exploring.

Decomposition: groups that share a person or a regional rule form a component;
a component's days split where two days in a row have no candidate day of any
of its groups (everyone sleeps at home there). Each part is its own model. This
is exact for hard rules (neighbour clashes between parts, a soft cost, are not
modelled), and the parts' bounds add up to a lower bound. A part with more than
``split_choices`` (group, venue, day) choices is split by people and the pieces
are solved one after another, each keeping to the regional days and weekly
counts the earlier ones used (the tour of the default programme first, then
each chair's consultations): a heuristic decomposition, so no bound is reported
then. Where a part's arc count would pass ``max_arcs``, arcs between groups are
kept only to each node's ``neighbours`` nearest venues (a restriction; reported).
Each part gets a share of the budget in proportion to its size (a fixed share
of the deterministic budget; of the wall time left with a wall-clock limit).
A part with no solution in its budget leaves its events out; its people still
go to their diary commitments (from home, in turn, and home again; the evening
before or the morning after, with a night there, where travel hours need it).

The modules: ``_groups`` (groups, diary nodes, the calendar), ``_parts``
(decomposition), ``_model`` (one part's variables and rules), ``_paths`` (each
person's arcs), ``_stages`` (the objective and the solves), ``_decode`` (the
plan and the bound), ``_run`` (the whole run).
"""

from __future__ import annotations

from bench.reference._params import PartReport, ReferenceParams, ReferenceResult
from bench.reference._run import solve

__all__ = ["PartReport", "ReferenceParams", "ReferenceResult", "solve"]
