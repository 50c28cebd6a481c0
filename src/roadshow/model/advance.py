"""Advance work: which tasks each kind of event (or night away) needs, how early."""

from __future__ import annotations

from typing import Final

from attrs import field, frozen

from roadshow.errors import InvalidModelError

NIGHT: Final = "night"
"""The template kind for nights away (events use their request kind)."""

ANY_EVENT: Final = "*"
"""The template kind that applies to every event, whatever its kind."""

_MAX_DAYS_BEFORE = 260  # about a working year; more is a typo, not a plan


def _check_days(inst: AdvanceTemplate, _attribute: object, value: int) -> None:
    if not 0 <= value <= _MAX_DAYS_BEFORE:
        raise InvalidModelError(
            obj=f"advance task {inst.task!r}",
            field="days_before",
            expected=f"a number of working days from 0 to {_MAX_DAYS_BEFORE}",
            got=value,
        )


@frozen(kw_only=True)
class AdvanceTemplate:
    """One piece of advance work: for items of *kind*, *days_before* working days ahead.

    Attributes:
        kind: A request kind (``"tour"``), ``"*"`` for every event, or
            ``"night"`` for each night away.
        task: What to do, in the imperative ("Book travel").
        days_before: Working days before the item's date the task is due.
        audience: ``"public"`` for tasks about public events (press notice,
            invitations), ``"internal"`` for the rest; informational only.
    """

    kind: str
    task: str
    days_before: int = field(validator=_check_days)
    audience: str = "internal"
