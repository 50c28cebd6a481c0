"""iCalendar (RFC 5545) calendars of a plan, for subscription feeds and imports.

Every line of iCalendar text is made by the ``icalendar`` package's own functions
(value types, escaping, 75-octet folding); this package decides what goes in and,
for speed, joins an entry's lines itself in the order ``Event.to_ical`` gives them,
each distinct line made once (``_lines``; tests compare every file with icalendar's
whole-calendar output). The output is a pure function of the scenario, the plan
and the :class:`PlanVersion` it was issued as, so the same plan version always
renders to the same bytes.

What clients need to update events in place, and how this module provides it:

- ``UID``: derived from the scenario id and the request id (travel legs and
  overnight stays from the person and the event they lead to), never from times or
  list positions, so a re-planned event keeps its UID (:func:`event_uid`).
- ``SEQUENCE``: how many issued versions changed the item's time, place or status
  (kept by :mod:`roadshow.history`); ``DTSTAMP`` is the version's issue time.
- An item dropped from the plan stays in the calendar as ``STATUS:CANCELLED`` with
  a higher ``SEQUENCE``, so clients remove it.
- Timed values carry ``TZID`` with an IANA id and a ``VTIMEZONE`` written as
  yearly ``RRULE`` observances, the form Outlook reads reliably.
- Published calendars have no ``ORGANIZER`` or ``ATTENDEE`` (clients would make
  the events read-only or send invitations); people are named in ``DESCRIPTION``.
  :func:`render_invites` writes ``METHOD:REQUEST`` files when invitations are wanted.
"""

from roadshow.exporters.choices import AUDIENCES as AUDIENCES
from roadshow.exporters.choices import INTERNAL as INTERNAL
from roadshow.exporters.choices import PUBLIC as PUBLIC
from roadshow.exporters.choices import SPLITS as SPLITS
from roadshow.exporters.ics._writer import PRODID as PRODID
from roadshow.exporters.ics._writer import REFRESH as REFRESH
from roadshow.exporters.ics.invitations import render_invites as render_invites
from roadshow.exporters.ics.render import calendar_files as calendar_files
from roadshow.exporters.ics.render import render_ics as render_ics
from roadshow.exporters.ics.views import View as View
from roadshow.exporters.ics.vtimezone import vtimezone as vtimezone
from roadshow.versions import ROADSHOW_NS as ROADSHOW_NS
from roadshow.versions import CalendarItem as CalendarItem
from roadshow.versions import Item as Item
from roadshow.versions import PlanVersion as PlanVersion
from roadshow.versions import event_uid as event_uid
from roadshow.versions import plan_items as plan_items

__all__ = [
    "AUDIENCES",
    "INTERNAL",
    "PRODID",
    "PUBLIC",
    "REFRESH",
    "ROADSHOW_NS",
    "SPLITS",
    "CalendarItem",
    "Item",
    "PlanVersion",
    "View",
    "calendar_files",
    "event_uid",
    "plan_items",
    "render_ics",
    "render_invites",
    "vtimezone",
]
