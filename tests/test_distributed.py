"""The Dask recipe of docs/scaling.md, run on a real LocalCluster with worker processes."""

from __future__ import annotations

import pytest

from diplonorm import Normalizer
from diplonorm.distributed import annotate_partition, annotate_record, worker_normalizer

RECORDS = [
    {"id": i, "text": text, "date": "2022-03-14"}
    for i, text in enumerate(
        [
            "Beijing said no.",
            "Jake Sullivan met Yang Jiechi in Rome.",
            "nothing here",
            "The Kremlin agreed; Sullivan did not.",
        ]
        * 5
    )
]


def test_annotate_record_is_plain_data(norm: Normalizer) -> None:
    """A record gets its mentions as dicts equal to the normalizer's own mentions."""
    out = annotate_record(RECORDS[1])
    expected = [m.to_dict() for m in norm.annotate(RECORDS[1]["text"], date="2022-03-14")]
    assert out["mentions"] == expected
    assert out["id"] == 1
    assert worker_normalizer() is worker_normalizer()


def test_dask_bag_on_a_local_cluster_equals_a_serial_run() -> None:
    """A dask bag annotated by two worker processes gives the serial result."""
    db = pytest.importorskip("dask.bag")
    distributed = pytest.importorskip("distributed")
    serial = list(annotate_partition(RECORDS))
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        bag = db.from_sequence(RECORDS, npartitions=4)
        result = bag.map_partitions(annotate_partition).compute()
    assert list(result) == serial
