"""Shared fixtures: the bundled normalizer and a writer of small gazetteer files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import diplonorm

HEADER = {
    "diplonorm": "gazetteer",
    "version": 1,
    "name": "test",
    "source": "written for the tests",
    "as_of": "2026-11",
}

WriteGazetteer = Callable[..., Path]


@pytest.fixture(scope="session")
def norm() -> diplonorm.Normalizer:
    """A normalizer over the bundled data, shared by the whole session."""
    return diplonorm.Normalizer()


@pytest.fixture
def write_gazetteer(tmp_path: Path) -> WriteGazetteer:
    """Write records (dicts, or raw strings for broken lines) as a gazetteer file."""
    counter = iter(range(1000))

    def write(
        *records: dict[str, Any] | str, header: dict[str, Any] | None = None, name: str = ""
    ) -> Path:
        head = {**HEADER, **(header or {})}
        if name:
            head["name"] = name
        lines = [json.dumps(head)]
        lines += [r if isinstance(r, str) else json.dumps(r) for r in records]
        path = tmp_path / f"{name or 'gaz'}-{next(counter)}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


def person(pid: str, name: str, country: str = "USA", **extra: Any) -> dict[str, Any]:
    """A person record for test gazetteers."""
    return {
        "type": "entity",
        "id": f"person:{pid}",
        "kind": "person",
        "name": name,
        "country": country,
        **extra,
    }


def state(iso3: str, name: str, **extra: Any) -> dict[str, Any]:
    """A state record for test gazetteers."""
    return {
        "type": "entity",
        "id": f"state:{iso3}",
        "kind": "state",
        "name": name,
        "country": iso3,
        **extra,
    }


def an_office(*tenures: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A single-title office record of the United States for test gazetteers."""
    return {
        "type": "office",
        "id": "office:x",
        "name": "X",
        "jurisdiction": "state:USA",
        "sector": "GOV",
        "titles": ["x"],
        "tenures": list(tenures),
        **extra,
    }
