"""What a printed itinerary must carry: its version on every page, notes, places."""

from __future__ import annotations

import io
from pathlib import Path

import attrs
import pendulum
import pytest
from pypdf import PdfReader

from roadshow.exporters.itinerary import (
    build_itinerary,
    is_pdf_available,
    itinerary_people,
    render_itinerary_html,
    render_itinerary_pdf,
    render_itinerary_text,
)
from roadshow.exporters.routemap import town_label
from roadshow.model import Plan, Scenario, Venue

ISSUED = pendulum.datetime(2008, 9, 1, 14, 5, tz="UTC")


def test_town_label_keeps_a_pct_name_with_a_comma_whole() -> None:
    """A comma inside the parenthesis no longer cuts the town out of the label."""
    venue = Venue.at(
        "wigan",
        "Wigan",
        53.545,
        -2.632,
        address="Wigan (representative point of Ashton, Leigh and Wigan PCT)",
    )
    assert town_label(venue) == "Wigan"


def test_the_version_and_issue_date_are_printed(scenario: Scenario, plan: Plan) -> None:
    """A published itinerary names its version and issue date; a draft says so."""
    published = build_itinerary(scenario, plan, "minister", version=7, issued=ISSUED)
    draft = build_itinerary(scenario, plan, "minister")
    assert "Plan version 7, issued Mon 1 Sep 2008" in render_itinerary_text([published])
    assert "Draft: not a published plan version" in render_itinerary_text([draft])


def test_the_date_line_counts_event_days_not_the_span(
    scenario: Scenario, plan: Plan
) -> None:
    """Three days over four dates, two with events: the line says 2 event days."""
    text = render_itinerary_text([build_itinerary(scenario, plan, "minister")])
    assert "Dates        2 event days, Fri 24 Oct 2008 to Mon 27 Oct 2008" in text


def test_request_notes_reach_the_itinerary(scenario: Scenario, plan: Plan) -> None:
    """A request's notes are printed with its event (they reached only the .ics)."""
    requests = [
        attrs.evolve(r, notes="Parking at the rear; ask for Ms Khan")
        if r.request_id == plan.events[0].request_id
        else r
        for r in scenario.requests
    ]
    noted = attrs.evolve(scenario, requests=tuple(requests))
    itinerary = build_itinerary(noted, plan, plan.events[0].attendees[0])
    assert "Parking at the rear; ask for Ms Khan" in render_itinerary_text([itinerary])
    assert "Parking at the rear; ask for Ms Khan" in render_itinerary_html([itinerary])


@pytest.mark.skipif(not is_pdf_available(), reason="the pdf extra is not installed")
def test_every_pdf_page_carries_the_version_and_its_number(
    scenario: Scenario, plan: Plan
) -> None:
    """Each printed page says which version it is and 'Page N of M'."""
    itinerary = build_itinerary(scenario, plan, "minister", version=7, issued=ISSUED)
    pages = PdfReader(io.BytesIO(render_itinerary_pdf([itinerary]))).pages
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        text = " ".join(page.extract_text().split())
        assert "Plan version 7, issued Mon 1 Sep 2008" in text, number
        assert f"Page {number} of {len(pages)}" in text, number


def test_places_print_as_a_person_would_go_to_them() -> None:
    """Default scenario: area points are 'to be confirmed'; SHA HQs have addresses."""
    from roadshow.data import nhs2008

    venues = nhs2008.scenario().venue_by_id
    assert venues["5P6-point"].label == (
        "Venue to be confirmed, Worthing (West Sussex PCT)"
    )
    assert venues["Q32-hq"].label == (
        "NHS Yorkshire and the Humber headquarters, Blenheim House, Leeds"
    )


def test_a_night_away_asks_for_a_hotel(scenario: Scenario, plan: Plan) -> None:
    """Without lodging data the night reads 'Hotel to be booked near York'."""
    itinerary = build_itinerary(scenario, plan, "minister")
    friday = itinerary.days[0]
    assert friday.night_away
    assert friday.night.name == "Hotel to be booked near York"


def test_an_optional_attendee_is_listed_and_gets_an_itinerary(
    scenario: Scenario, plan: Plan
) -> None:
    """A private secretary invited as optional sees the event marked optional."""
    secretary = attrs.evolve(
        scenario.people[0], person_id="ps", name="Private Secretary", role="official"
    )
    event = plan.events[0]
    requests = [
        attrs.evolve(r, optional_attendees=("ps",))
        if r.request_id == event.request_id
        else r
        for r in scenario.requests
    ]
    invited = attrs.evolve(
        scenario, people=(*scenario.people, secretary), requests=tuple(requests)
    )
    assert "ps" in itinerary_people(invited)
    own = build_itinerary(invited, plan, "ps")
    (item,) = [i for day in own.days for i in day.items if i.kind == "event"]
    assert item.optional
    assert f"{event.title} (optional for you)" in render_itinerary_text([own])
    principal = build_itinerary(invited, plan, event.attendees[0])
    text = render_itinerary_text([principal])
    assert "Optional   Private Secretary" in text


def test_contacts_for_the_event_and_its_venue_are_printed(
    scenario: Scenario, plan: Plan
) -> None:
    """A request's contact and its venue's host both appear; the host meets them."""
    from roadshow.model import Contact

    event = plan.events[0]
    with_contacts = attrs.evolve(
        scenario,
        contacts=(
            Contact(
                name="Ms Khan",
                role="events officer",
                phone="0113 000 0001",
                request_id=event.request_id,
            ),
            Contact(
                name="Mr Lee",
                role="host",
                meets_principal=True,
                venue_id=event.venue_id,
            ),
        ),
    )
    itinerary = build_itinerary(with_contacts, plan, event.attendees[0])
    text = " ".join(render_itinerary_text([itinerary]).split())
    assert "Ms Khan (events officer), 0113 000 0001" in text
    assert "Mr Lee (host); meets the principal" in text
    html = render_itinerary_html([itinerary])
    assert "Mr Lee (host); meets the principal" in html


def test_a_contact_for_nothing_or_an_unknown_venue_is_refused(
    scenario: Scenario,
) -> None:
    """A contact names a request or a venue, and one that exists."""
    from roadshow.errors import InvalidModelError, UnknownReferenceError
    from roadshow.model import Contact

    with pytest.raises(InvalidModelError, match="request"):
        Contact(name="Nobody")
    with pytest.raises(UnknownReferenceError):
        attrs.evolve(scenario, contacts=(Contact(name="X", venue_id="nowhere"),))


def test_a_contacts_table_is_read_from_the_scenario(tmp_path: Path) -> None:
    """[tables] contacts = "contacts.csv": one row per contact, for a venue here."""
    from roadshow.importers.scenario import load_scenario

    (tmp_path / "contacts.csv").write_text(
        "name,venue,role,phone,meets_principal\nMr Lee,leeds,host,0113 000 0002,yes\n",
        encoding="utf-8",
    )
    (tmp_path / "scenario.toml").write_text(
        """
id = "t"
start = 2008-09-08
end = 2008-09-19
[tables]
contacts = "contacts.csv"
[[venues]]
id = "leeds"
name = "Leeds Town Hall"
lat = 53.80
lon = -1.55
[[people]]
id = "ann"
name = "Ann"
home = "leeds"
""",
        encoding="utf-8",
    )
    (contact,) = load_scenario(tmp_path / "scenario.toml").contacts
    assert contact.line == "Mr Lee (host), 0113 000 0002; meets the principal"
    assert contact.venue_id == "leeds"
