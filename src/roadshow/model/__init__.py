"""The domain model: frozen, validated value objects.

Everything here is immutable (``attrs.frozen``); change a value with
``attrs.evolve``. Constructors only validate: reading files is the importers' job.
Instants are aware :class:`pendulum.DateTime`, lengths :class:`pendulum.Duration`,
days :class:`pendulum.Date`, clock times :class:`pendulum.Time`.

Invalid values raise :class:`~roadshow.errors.InvalidModelError` naming the object
and the field; unknown references raise
:class:`~roadshow.errors.UnknownReferenceError` with a "did you mean".

One concern per module: :mod:`~roadshow.model._time` (clock windows, weekday
slots), :mod:`~roadshow.model.places`, :mod:`~roadshow.model.people`,
:mod:`~roadshow.model.requests`, :mod:`~roadshow.model.settings` (calendar,
planning rules, travel model), :mod:`~roadshow.model.series` (a request
repeated per region or area), :mod:`~roadshow.model.scenario` and
:mod:`~roadshow.model.plan`. Import the names from here.
"""

from roadshow.model._common import MODES as MODES
from roadshow.model._common import WEEKDAYS as WEEKDAYS
from roadshow.model._common import check_id as check_id
from roadshow.model._time import Slot as Slot
from roadshow.model._time import TimeWindow as TimeWindow
from roadshow.model._time import format_days as format_days
from roadshow.model._time import parse_days as parse_days
from roadshow.model.advance import AdvanceTemplate as AdvanceTemplate
from roadshow.model.people import Blackout as Blackout
from roadshow.model.people import Commitment as Commitment
from roadshow.model.people import Contact as Contact
from roadshow.model.people import Person as Person
from roadshow.model.places import Area as Area
from roadshow.model.places import Closure as Closure
from roadshow.model.places import Lodging as Lodging
from roadshow.model.places import Region as Region
from roadshow.model.places import Venue as Venue
from roadshow.model.plan import ChangeReason as ChangeReason
from roadshow.model.plan import OvernightStay as OvernightStay
from roadshow.model.plan import Plan as Plan
from roadshow.model.plan import ScheduledEvent as ScheduledEvent
from roadshow.model.plan import TravelLeg as TravelLeg
from roadshow.model.plan import Unplaced as Unplaced
from roadshow.model.requests import EventRequest as EventRequest
from roadshow.model.scenario import Scenario as Scenario
from roadshow.model.series import Series as Series
from roadshow.model.settings import DEFAULT_MODES as DEFAULT_MODES
from roadshow.model.settings import CalendarRules as CalendarRules
from roadshow.model.settings import KindRules as KindRules
from roadshow.model.settings import ModeParams as ModeParams
from roadshow.model.settings import PlanningRules as PlanningRules
from roadshow.model.settings import TravelOverride as TravelOverride
from roadshow.model.settings import TravelSettings as TravelSettings

__all__ = [
    "DEFAULT_MODES",
    "MODES",
    "WEEKDAYS",
    "AdvanceTemplate",
    "Area",
    "Blackout",
    "CalendarRules",
    "ChangeReason",
    "Closure",
    "Commitment",
    "Contact",
    "EventRequest",
    "KindRules",
    "Lodging",
    "ModeParams",
    "OvernightStay",
    "Person",
    "Plan",
    "PlanningRules",
    "Region",
    "Scenario",
    "ScheduledEvent",
    "Series",
    "Slot",
    "TimeWindow",
    "TravelLeg",
    "TravelOverride",
    "TravelSettings",
    "Unplaced",
    "Venue",
    "check_id",
    "format_days",
    "parse_days",
]
