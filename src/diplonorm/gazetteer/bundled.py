"""The gazetteer shipped with diplonorm, loaded once per process from its compiled index."""

from __future__ import annotations

import os
import threading
import warnings

from diplonorm.gazetteer.compiled import is_current, load_compiled, read_header, sources_digest
from diplonorm.gazetteer.index import Gazetteer
from diplonorm.model import Entity

#: Folder of the bundled data files.
DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")
#: The file generated from the Phoenix/PETRARCH2 dictionaries by the build script.
PHOENIX_FILE = "phoenix.jsonl"
#: The bundled source files in precedence order (later files win). The Phoenix import
#: leaves out what the curated files know, so no file overrides another.
BUNDLED_FILES = (
    "states.jsonl",
    PHOENIX_FILE,
    "organizations.jsonl",
    "government_bodies.jsonl",
    "people.jsonl",
    "offices.jsonl",
    "officials/africa-east-south.jsonl",
    "officials/africa-north-west.jsonl",
    "officials/americas.jsonl",
    "officials/east-asia-pacific.jsonl",
    "officials/europe.jsonl",
    "officials/g20-security.jsonl",
    "officials/international.jsonl",
    "officials/spokespersons.jsonl",
    "officials/west-south-central-asia.jsonl",
)
#: The compiled index built from them by `python -m diplonorm.gazetteer.build`.
COMPILED_FILE = "bundled.index.json"

_lock = threading.Lock()
_cache: list[Gazetteer] = []


def bundled_paths() -> tuple[str, ...]:
    """Paths of the bundled source files."""
    return tuple(os.path.join(DATA_DIR, name) for name in BUNDLED_FILES)


def bundled_gazetteer() -> Gazetteer:
    """The bundled gazetteer, loaded on first use and shared by every caller afterwards.

    The compiled index is used when it matches the source files; otherwise the sources are
    loaded and indexed directly (slower) with a warning to rebuild.
    """
    with _lock:
        if not _cache:
            _cache.append(_load())
        return _cache[0]


def bundled_entity(entity_id: str) -> Entity:
    """An entity of the bundled gazetteer by id (how bundled entities are unpickled)."""
    return bundled_gazetteer().entity(entity_id)


def _load() -> Gazetteer:
    paths = bundled_paths()
    compiled = os.path.join(DATA_DIR, COMPILED_FILE)
    digest = sources_digest(paths, crc=False)
    if os.path.exists(compiled):
        with open(compiled, "rb") as handle:
            data = handle.read()
        if is_current(read_header(data), digest):
            return load_compiled(data, DATA_DIR)
    warnings.warn(
        "diplonorm's compiled gazetteer index is missing or stale; indexing the source files "
        "(slow). Rebuild it with: python -m diplonorm.gazetteer.build",
        RuntimeWarning,
        stacklevel=3,
    )
    from diplonorm.gazetteer.builder import load_gazetteer

    return load_gazetteer(paths)
