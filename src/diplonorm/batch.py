"""Annotating many documents, in this process or in worker processes.

Workers are started with the `spawn` method (safe everywhere, and what macOS and Windows
use), each receives the pickled normalizer (cheap: the bundled data is referenced) and loads
the bundled data once. Results come back in input order; entities of the bundled data cross
process boundaries as references, not copies.

Results travel back in a light form: each mention as a tuple of its fields, its text left
out (the main process still holds the document and cuts it again), and each distinct
resolution of a batch once, as a tuple in a table the mentions point into. Rebuilding a
mention with its constructor is cheaper for the main process than unpickling an attrs
instance, and the main process keeps the resolutions it rebuilt, so a name met in many
batches shares one `Resolution`. The results equal those of a serial run.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice, repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import attrs

from diplonorm.model import Mention, Resolution

if TYPE_CHECKING:
    from diplonorm.normalizer import Normalizer

DateLike = dt.date | str | None
_Chunk = list[tuple[str, DateLike]]
#: A batch's results as sent back by a worker: the table of its distinct resolutions (each
#: the tuple of its fields) and, per document, its mentions as tuples of their fields where
#: the text is None when it is the document's own slice, the resolution is an index into the
#: table (-1 for None) and the candidates are a tuple of indexes.
_Packed = tuple[list[tuple[Any, ...]], list[list[tuple[Any, ...]]]]

#: The fields of `Mention` and `Resolution`, in constructor order. The light form is used
#: only while `Mention` has exactly the fields it was written for; otherwise workers send
#: their results as they are (slower, never wrong).
_MENTION_FIELDS = tuple(field.name for field in attrs.fields(Mention))
_LIGHT = _MENTION_FIELDS == (
    "start", "end", "text", "resolution", "label", "role", "candidates", "note"
)  # fmt: skip
_RESOLUTION_FIELDS = tuple(field.name for field in attrs.fields(Resolution))
_ENTITY = _RESOLUTION_FIELDS.index("entity")
_OFFICE = _RESOLUTION_FIELDS.index("office")
_plain_fields = itemgetter(
    *(i for i in range(len(_RESOLUTION_FIELDS)) if i not in (_ENTITY, _OFFICE))
)
#: How many rebuilt resolutions the main process keeps before starting again.
_KEEP_RESOLUTIONS = 100_000

_WORKER: list[Normalizer] = []


def _start_worker(normalizer: Normalizer) -> None:
    """Keep the worker's normalizer (unpickled once per process)."""
    _WORKER[:] = [normalizer]


def _pack(texts: Sequence[str], results: Sequence[list[Mention]]) -> _Packed:
    """The light form of a batch's results (see `_Packed`)."""
    index: dict[int, int] = {}
    table: list[tuple[Any, ...]] = []

    def number(res: Resolution) -> int:
        i = index.get(id(res))
        if i is None:
            i = index[id(res)] = len(table)
            table.append(tuple(getattr(res, name) for name in _RESOLUTION_FIELDS))
        return i

    docs = []
    for text, mentions in zip(texts, results, strict=True):
        rows = []
        for m in mentions:
            rows.append(
                (
                    m.start,
                    m.end,
                    None if m.text == text[m.start : m.end] else m.text,
                    -1 if m.resolution is None else number(m.resolution),
                    m.label,
                    m.role,
                    tuple(number(c) for c in m.candidates),
                    m.note,
                )
            )
        docs.append(rows)
    return table, docs


class _Unpacker:
    """Rebuilds mentions in the main process, keeping the resolutions it made."""

    def __init__(self) -> None:
        self._resolutions: dict[tuple[Any, ...], Resolution] = {}

    def _resolution(self, fields: tuple[Any, ...]) -> Resolution:
        # The entity and office are keyed by identity: bundled entities arrive as the very
        # objects of this process's gazetteer; others are new objects, never merged. The
        # kept resolution holds them, so their ids are not reused while the key is kept.
        key = (id(fields[_ENTITY]), id(fields[_OFFICE]), _plain_fields(fields))
        res = self._resolutions.get(key)
        if res is None:
            if len(self._resolutions) >= _KEEP_RESOLUTIONS:
                self._resolutions.clear()
            res = self._resolutions[key] = Resolution(*fields)
        return res

    def unpack(
        self, texts: Sequence[str], packed: _Packed | list[list[Mention]]
    ) -> list[list[Mention]]:
        """The mentions of each text of a batch, from what a worker sent."""
        if not isinstance(packed, tuple):
            return packed
        table, docs = packed
        res = [self._resolution(fields) for fields in table]
        return [
            [
                Mention(
                    start,
                    end,
                    text[start:end] if said is None else said,
                    None if i < 0 else res[i],
                    label,
                    role,
                    tuple(res[j] for j in candidates) if candidates else (),
                    note,
                )
                for start, end, said, i, label, role, candidates, note in rows
            ]
            for text, rows in zip(texts, docs, strict=True)
        ]


def _annotate_chunk(chunk: _Chunk, country: str | None) -> _Packed | list[list[Mention]]:
    """Annotate a chunk of (text, date) pairs in a worker."""
    norm = _WORKER[0]
    results = [norm.annotate(text, date=date, country=country) for text, date in chunk]
    return _pack([text for text, _ in chunk], results) if _LIGHT else results


def _dates(dates: DateLike | Iterable[DateLike]) -> Iterator[DateLike]:
    if dates is None or isinstance(dates, str | dt.date):
        return repeat(dates)
    return iter(dates)


def annotate_many(
    normalizer: Normalizer,
    texts: Iterable[str],
    *,
    dates: DateLike | Iterable[DateLike] = None,
    country: str | None = None,
    batch_size: int = 32,
    n_process: int = 1,
) -> Iterator[list[Mention]]:
    """The mentions of each text, in input order (see `Normalizer.annotate_many`)."""
    if not isinstance(n_process, int) or n_process < 1:
        msg = f"n_process must be a positive int, not {n_process!r}"
        raise ValueError(msg)
    if not isinstance(batch_size, int) or batch_size < 1:
        msg = f"batch_size must be a positive int, not {batch_size!r}"
        raise ValueError(msg)
    pairs = zip(texts, _dates(dates), strict=False)
    if n_process == 1:
        for text, date in pairs:
            yield normalizer.annotate(text, date=date, country=country)
        return
    context = multiprocessing.get_context("spawn")
    unpacker = _Unpacker()
    with ProcessPoolExecutor(
        n_process, mp_context=context, initializer=_start_worker, initargs=(normalizer,)
    ) as pool:
        pending: deque[tuple[list[str], Future[_Packed | list[list[Mention]]]]] = deque()
        while chunk := list(islice(pairs, batch_size)):
            future = pool.submit(_annotate_chunk, chunk, country)
            pending.append(([text for text, _ in chunk], future))
            if len(pending) >= 2 * n_process:
                chunk_texts, done = pending.popleft()
                yield from unpacker.unpack(chunk_texts, done.result())
        while pending:
            chunk_texts, done = pending.popleft()
            yield from unpacker.unpack(chunk_texts, done.result())
