"""Annotating many documents, in this process or in worker processes.

Workers are started with the `spawn` method (safe everywhere, and what macOS and Windows
use), each receives the pickled normalizer (cheap: the bundled data is referenced) and loads
the bundled data once. Results come back in input order; entities of the bundled data cross
process boundaries as references, not copies.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice, repeat
from typing import TYPE_CHECKING

from diplonorm.model import Mention

if TYPE_CHECKING:
    from diplonorm.normalizer import Normalizer

DateLike = dt.date | str | None
_Chunk = list[tuple[str, DateLike]]

_WORKER: list[Normalizer] = []


def _start_worker(normalizer: Normalizer) -> None:
    """Keep the worker's normalizer (unpickled once per process)."""
    _WORKER[:] = [normalizer]


def _annotate_chunk(chunk: _Chunk, country: str | None) -> list[list[Mention]]:
    """Annotate a chunk of (text, date) pairs in a worker."""
    norm = _WORKER[0]
    return [norm.annotate(text, date=date, country=country) for text, date in chunk]


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
    with ProcessPoolExecutor(
        n_process, mp_context=context, initializer=_start_worker, initargs=(normalizer,)
    ) as pool:
        pending: deque[Future[list[list[Mention]]]] = deque()
        while chunk := list(islice(pairs, batch_size)):
            pending.append(pool.submit(_annotate_chunk, chunk, country))
            if len(pending) >= 2 * n_process:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
