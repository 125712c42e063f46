"""External codes of an answer: ISO 3166-1 alpha-3, a CAMEO actor code and the Wikidata QID."""

from __future__ import annotations

import datetime as dt

import attrs

from diplonorm.gazetteer.index import Gazetteer
from diplonorm.model import EntityKind, Office, Resolution


@attrs.frozen(slots=True)
class Codes:
    """The codes event-data pipelines join on, and where the CAMEO code came from."""

    iso3: str | None
    cameo: str | None
    wikidata: str | None
    cameo_from: str

    def to_dict(self) -> dict[str, str | None]:
        """The codes as plain JSON-serializable data."""
        return attrs.asdict(self)


def codes_for(res: Resolution, gazetteer: Gazetteer, day: dt.date | None = None) -> Codes:
    """The codes of one resolution on a date (None: the latest data).

    A person answered by name takes the code of the office they held on the date (or last
    held, without a date); a former office holder on the date is an elite of their state
    ("USAELI", as CAMEO codes former officials); then their own recorded code, then their
    state's country code.
    """
    entity = res.entity
    code, origin = res.cameo, "answer"
    if res.office is not None and res.office.actor_code:
        origin = f"office {res.office.id}"
    elif entity.kind is EntityKind.PERSON:
        held = gazetteer.offices_held_by(entity.id)
        office = _office_held(held, entity.id, day)
        state = gazetteer.get(f"state:{entity.country}") if entity.country else None
        country_code = state.cameo if state is not None else None
        if office is not None and office.actor_code:
            code, origin = office.actor_code, f"office {office.id}"
        elif country_code and day is not None and _held_before(held, entity.id, day):
            code, origin = country_code + "ELI", "former office holder on the date"
        elif code is None and country_code:
            code, origin = country_code, "country of the person"
    if code is None:
        origin = "none known"
    return Codes(entity.country, code, entity.wikidata, origin)


def _held_before(offices: tuple[Office, ...], holder: str, day: dt.date) -> bool:
    """True when one of the holder's tenures certainly ended on or before the day."""
    return any(
        t.holder == holder and t.end is not None and t.end.latest <= day
        for office in offices
        for t in office.tenures
    )


def _office_held(offices: tuple[Office, ...], holder: str, day: dt.date | None) -> Office | None:
    """The office the holder held on the day; without a day, the one they held last."""
    best: tuple[dt.date, Office] | None = None
    for office in offices:
        for tenure in office.tenures:
            if tenure.holder != holder:
                continue
            if day is not None:
                if tenure.certainly_covers(day):
                    return office
                continue
            start = tenure.start.earliest if tenure.start else dt.date.min
            if best is None or start > best[0]:
                best = (start, office)
    return best[1] if best else None
