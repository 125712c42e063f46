"""Gazetteers: validated files, the merged immutable index, and the bundled data.

The modules that read and merge files are imported on first use, so loading the bundled
compiled index does not pay for them.
"""

from typing import TYPE_CHECKING, Any

from diplonorm.gazetteer.bundled import bundled_gazetteer
from diplonorm.gazetteer.index import AliasRef, Conflict, Gazetteer, SourceInfo

if TYPE_CHECKING:
    from diplonorm.gazetteer.builder import GazetteerBuilder, load_gazetteer
    from diplonorm.gazetteer.records import SourceFile, parse_source, read_source

_LAZY = {
    "GazetteerBuilder": "diplonorm.gazetteer.builder",
    "load_gazetteer": "diplonorm.gazetteer.builder",
    "SourceFile": "diplonorm.gazetteer.records",
    "parse_source": "diplonorm.gazetteer.records",
    "read_source": "diplonorm.gazetteer.records",
}

__all__ = [
    "AliasRef",
    "Conflict",
    "Gazetteer",
    "GazetteerBuilder",
    "SourceFile",
    "SourceInfo",
    "bundled_gazetteer",
    "load_gazetteer",
    "parse_source",
    "read_source",
]


def __getattr__(name: str) -> Any:
    """Resolve the lazily imported names."""
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'diplonorm.gazetteer' has no attribute {name!r}"
        raise AttributeError(msg)
    import importlib

    return getattr(importlib.import_module(module), name)
