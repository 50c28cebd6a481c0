"""Shared calendars: publish a plan's calendars to CalDAV, and pull back hand edits.

``roadshow publish DIR --caldav URL`` (:func:`publish_caldav`) and ``roadshow pull
DIR --caldav URL`` (:func:`pull_caldav`). The decisions are pure
(:mod:`roadshow.publish._sync`); the network and the record of what was sent are in
:mod:`roadshow.publish._caldav`. Needs the ``caldav`` extra
(``pip install 'roadshow[caldav]'``).
"""

from __future__ import annotations

from roadshow.publish._caldav import (
    PASSWORD_ENV,
    STATE_FILE,
    ServerError,
    check_url,
    credentials,
)
from roadshow.publish._publish import (
    CalendarResult,
    PublishResult,
    publish_caldav,
    render_publish,
)
from roadshow.publish._pull import PullResult, pull_caldav, render_pull
from roadshow.publish._sync import (
    Action,
    Change,
    Record,
    Remote,
    Wanted,
    changes_since,
    plan_sync,
)

__all__ = [
    "PASSWORD_ENV",
    "STATE_FILE",
    "Action",
    "CalendarResult",
    "Change",
    "PublishResult",
    "PullResult",
    "Record",
    "Remote",
    "ServerError",
    "Wanted",
    "changes_since",
    "check_url",
    "credentials",
    "plan_sync",
    "publish_caldav",
    "pull_caldav",
    "render_publish",
    "render_pull",
]
