"""Flat rows of annotated mentions, and writers for JSON Lines and Parquet files.

One row per mention with one documented schema (`SCHEMA`), so that pandas, Spark, DuckDB or
Polars load the output of a run without knowing diplonorm. Files are written under a
temporary name and renamed when complete, so a finished name always holds a whole file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, TypedDict

import attrs

from diplonorm.dates import coerce_date
from diplonorm.model import Mention

if TYPE_CHECKING:
    from diplonorm.normalizer import Normalizer

SCHEMA_VERSION = 1
"""Version of the row schema; raised when a column is renamed, retyped or removed."""

PART_SUFFIX = ".part"
"""Suffix of a file being written; it is renamed to its final name once complete."""

Format = Literal["jsonl", "parquet"]
FORMATS: tuple[Format, ...] = ("jsonl", "parquet")


@attrs.frozen(slots=True)
class Column:
    """One column of the row schema: its name, type, whether it may be null, and meaning."""

    name: str
    type: Literal["string", "int64", "float64"]
    nullable: bool
    description: str


SCHEMA: tuple[Column, ...] = (
    Column("doc_id", "string", False, "document id; from the CLI, the input path as given"),
    Column("date", "string", True, "document date as ISO `YYYY-MM-DD`, null without one"),
    Column("start", "int64", False, "start offset in the text (Python `str` index)"),
    Column("end", "int64", False, "end offset: `text[start:end]` is the mention"),
    Column("text", "string", False, "the mention as written"),
    Column(
        "role",
        "string",
        False,
        "`name`, `title`, `government` (a capital for its government), `location`",
    ),
    Column("entity_id", "string", True, "resolved entity id (`state:CHN`), null if unresolved"),
    Column("canonical", "string", True, "canonical name of the entity"),
    Column("country", "string", True, "affiliated state, ISO 3166-1 alpha-3"),
    Column("kind", "string", True, "entity kind; for unresolved mentions the kind if known"),
    Column("score", "float64", False, "0-100 confidence; 0 when unresolved"),
    Column("method", "string", False, "resolving strategy, or `unresolved`"),
    Column("cameo", "string", True, "CAMEO actor code; a person takes their office's on the date"),
    Column("wikidata", "string", True, "Wikidata QID when known"),
    Column("office_id", "string", True, "office through which a title was resolved"),
    Column("evidence", "string", False, "why it was resolved so (or why not); may be empty"),
)
COLUMNS: tuple[str, ...] = tuple(column.name for column in SCHEMA)


class Row(TypedDict):
    """One mention as a flat row; the keys and types are those of `SCHEMA`, in order."""

    doc_id: str
    date: str | None
    start: int
    end: int
    text: str
    role: str
    entity_id: str | None
    canonical: str | None
    country: str | None
    kind: str | None
    score: float
    method: str
    cameo: str | None
    wikidata: str | None
    office_id: str | None
    evidence: str


def mention_rows(
    mentions: Iterable[Mention],
    *,
    doc_id: str,
    normalizer: Normalizer,
    date: dt.date | str | None = None,
) -> list[Row]:
    """The rows of one document's mentions; unresolved mentions are rows with null ids.

    `normalizer` gives the codes, so a person named in the text takes the CAMEO code of the
    office they held on `date` (`Normalizer.codes`).
    """
    day = coerce_date(date)
    iso = day.isoformat() if day else None
    rows: list[Row] = []
    for m in mentions:
        res = m.resolution
        codes = normalizer.codes(res, date=day) if res is not None else None
        rows.append(
            Row(
                doc_id=doc_id,
                date=iso,
                start=m.start,
                end=m.end,
                text=m.text,
                role=m.role,
                entity_id=m.entity_id,
                canonical=m.canonical,
                country=m.country,
                kind=m.kind.value if m.kind else None,
                score=round(float(m.score), 1),
                method=m.method,
                cameo=codes.cameo if codes else None,
                wikidata=codes.wikidata if codes else None,
                office_id=res.office.id if res and res.office else None,
                evidence=m.evidence,
            )
        )
    return rows


def arrow_schema() -> Any:
    """`SCHEMA` as a `pyarrow.Schema` (types, nullability, schema version in the metadata)."""
    pa = _pyarrow()
    types = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64()}
    fields = [pa.field(c.name, types[c.type], nullable=c.nullable) for c in SCHEMA]
    return pa.schema(fields, metadata={"diplonorm.schema_version": str(SCHEMA_VERSION)})


def write_jsonl(rows: Iterable[Row], path: str | os.PathLike[str]) -> int:
    """Write rows as JSON Lines (UTF-8, one object per row); returns the number of rows."""
    count = 0
    with _atomic(path) as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")
            count += 1
    return count


def write_parquet(rows: Iterable[Row], path: str | os.PathLike[str]) -> int:
    """Write rows as one Parquet file with `arrow_schema()`; returns the number of rows.

    Needs pyarrow (`pip install "diplonorm[parquet]"`).
    """
    pa = _pyarrow()
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(list(rows), schema=arrow_schema())
    with _atomic(path) as handle:
        pq.write_table(table, handle)
    return int(table.num_rows)


def write_rows(rows: Iterable[Row], path: str | os.PathLike[str], format: Format) -> int:
    """Write rows in `format` ("jsonl" or "parquet"); returns the number of rows."""
    if format == "jsonl":
        return write_jsonl(rows, path)
    if format == "parquet":
        return write_parquet(rows, path)
    msg = f"format must be one of {FORMATS}, not {format!r}"
    raise ValueError(msg)


def _pyarrow() -> Any:
    """The pyarrow module, imported on first use so that it stays an optional dependency."""
    try:
        import pyarrow
    except ImportError:
        msg = 'Parquet output needs pyarrow: pip install "diplonorm[parquet]"'
        raise ImportError(msg) from None
    return pyarrow


@contextmanager
def _atomic(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file written as `path` + PART_SUFFIX, synced and renamed to `path` when done.

    On an error the partial file is removed; after a crash it is left behind, and the next
    write of the same path replaces it.
    """
    final = Path(path)
    part = final.with_name(final.name + PART_SUFFIX)
    try:
        with open(part, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(part, final)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
