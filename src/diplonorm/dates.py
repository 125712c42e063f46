"""Parsing of query dates and of the partial dates written in gazetteers."""

from __future__ import annotations

import datetime as dt
import re

from diplonorm.model import PartialDate

_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_partial_date(text: str) -> PartialDate:
    """Parse 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' into the range of days it covers.

    Raises ValueError with the reason when the text is not such a date.
    """
    match = _PARTIAL.fullmatch(text)
    if match is None:
        msg = f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
        raise ValueError(msg)
    year = int(match[1])
    try:
        if match[3] is not None:
            day = dt.date(year, int(match[2]), int(match[3]))
            return PartialDate(day, day, text)
        if match[2] is not None:
            first = dt.date(year, int(match[2]), 1)
            following = dt.date(year + first.month // 12, first.month % 12 + 1, 1)
            return PartialDate(first, following - dt.timedelta(days=1), text)
        return PartialDate(dt.date(year, 1, 1), dt.date(year, 12, 31), text)
    except ValueError:
        msg = f"{text!r} is not a valid calendar date"
        raise ValueError(msg) from None


def coerce_date(value: object) -> dt.date | None:
    """Turn a query's date argument (None, date, datetime or ISO string) into a date.

    Raises TypeError for other types and ValueError for strings that are not ISO dates.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            msg = f"date {value!r} is not an ISO date such as '2022-03-14'"
            raise ValueError(msg) from None
    msg = f"date must be a datetime.date or an ISO string, not {type(value).__name__}"
    raise TypeError(msg)
