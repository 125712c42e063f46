"""Functions to run on cluster workers (Dask, Spark): one normalizer per worker process.

Each worker builds its `Normalizer` on first use and keeps it, so the bundled data is loaded
once per worker, not once per task. Results are plain dicts (`Mention.to_dict()`), cheap to
send back and easy to turn into data frames. See docs/scaling.md for recipes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from diplonorm.normalizer import Normalizer

_LOCK = threading.Lock()
_NORMALIZERS: dict[tuple[tuple[str, ...], bool], Normalizer] = {}


def worker_normalizer(languages: tuple[str, ...] = ("en",), context: bool = True) -> Normalizer:
    """The normalizer of this worker process for these settings, built once."""
    key = (languages, context)
    with _LOCK:
        if key not in _NORMALIZERS:
            _NORMALIZERS[key] = Normalizer(languages=languages, context=context)
        return _NORMALIZERS[key]


def annotate_record(record: dict[str, Any], text_field: str = "text") -> dict[str, Any]:
    """One document record with its mentions added as plain data under "mentions".

    The record's "date" field, when present, is the document date.
    """
    norm = worker_normalizer()
    mentions = norm.annotate(record[text_field], date=record.get("date"))
    return {**record, "mentions": [m.to_dict() for m in mentions]}


def annotate_partition(
    records: Iterable[dict[str, Any]], text_field: str = "text"
) -> list[dict[str, Any]]:
    """Annotate a partition of records (Dask `map_partitions`, Spark `mapPartitions`).

    Returns a list, not a generator: Dask sends partition results between processes.
    """
    return [annotate_record(record, text_field) for record in records]
