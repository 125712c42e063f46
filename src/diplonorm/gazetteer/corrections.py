"""Corrections of known faults in imported Phoenix data, read from a JSON Lines file.

Each correction closes a dated code the dictionaries left open (Phoenix was frozen about
2015, so "Joe Biden: USAGOV from 2009-01-20" never ended). A correction that matches nothing
is an error: the file stays an exact list of what was changed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import attrs

from diplonorm.errors import GazetteerError
from diplonorm.gazetteer.phoenix import Actor

#: The header's "diplonorm" value of a corrections file.
KIND = "phoenix-corrections"
_FIELDS = frozenset({"actor", "code", "start", "end", "reason"})


@attrs.frozen(slots=True)
class Correction:
    """Close the open span of `code` (starting on `start`) of one actor on `end`.

    `end` is the first day the code no longer applies, like a tenure's end; Phoenix ranges
    are inclusive, so the stored span ends the day before.
    """

    actor: str
    code: str
    start: dt.date
    end: dt.date
    reason: str
    line: int


def read_corrections(path: str | Path) -> tuple[Correction, ...]:
    """Read and validate a corrections file; errors name the file, line and field."""
    where = str(path)
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    out: list[Correction] = []
    for number, text in enumerate(lines, start=1):
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise GazetteerError(
                f"not JSON: {exc.msg}", path=where, line=number, field=""
            ) from None
        if number == 1:
            if not isinstance(data, dict) or data.get("diplonorm") != KIND:
                raise GazetteerError(
                    f"header must say {KIND!r}", path=where, line=1, field="diplonorm"
                )
            continue
        out.append(_correction(data, where, number))
    return tuple(out)


def _correction(data: object, where: str, number: int) -> Correction:
    if not isinstance(data, dict):
        raise GazetteerError(
            "a correction must be a JSON object", path=where, line=number, field=""
        )
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise GazetteerError("unknown field", path=where, line=number, field=unknown[0])
    values: dict[str, object] = {}
    for field in sorted(_FIELDS):
        value = data.get(field)
        if not isinstance(value, str) or not value.strip():
            raise GazetteerError("required text is missing", path=where, line=number, field=field)
        values[field] = value
    dates = {}
    for field in ("start", "end"):
        try:
            dates[field] = dt.date.fromisoformat(str(values[field]))
        except ValueError:
            msg = f"{values[field]!r} is not a date (YYYY-MM-DD)"
            raise GazetteerError(msg, path=where, line=number, field=field) from None
    if dates["end"] <= dates["start"]:
        raise GazetteerError("must be after start", path=where, line=number, field="end")
    return Correction(
        actor=str(values["actor"]).upper(),
        code=str(values["code"]),
        start=dates["start"],
        end=dates["end"],
        reason=str(values["reason"]),
        line=number,
    )


def apply_corrections(
    actors: Sequence[Actor], corrections: Sequence[Correction], path: str = "corrections"
) -> list[Actor]:
    """The actors with every correction applied; raises GazetteerError for one that matches
    no open span (wrong actor, code or start), so no correction is silently lost."""
    by_name: dict[str, list[int]] = {}
    for i, actor in enumerate(actors):
        by_name.setdefault(" ".join(actor.primary.words).upper(), []).append(i)
    out = list(actors)
    for fix in corrections:
        hits = 0
        for i in by_name.get(fix.actor.replace("_", " "), []):
            spans = list(out[i].spans)
            for k, span in enumerate(spans):
                if span.code == fix.code and span.start == fix.start and span.end is None:
                    spans[k] = attrs.evolve(span, end=fix.end - dt.timedelta(days=1))
                    hits += 1
            out[i] = attrs.evolve(out[i], spans=tuple(spans))
        if not hits:
            msg = f"no open {fix.code} span from {fix.start} for actor {fix.actor}"
            raise GazetteerError(msg, path=path, line=fix.line, field="actor")
    return out
