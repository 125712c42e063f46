"""Gazetteers: validated files, the merged immutable index, and the bundled data."""

from diplonorm.gazetteer.builder import GazetteerBuilder, load_gazetteer
from diplonorm.gazetteer.bundled import bundled_gazetteer
from diplonorm.gazetteer.index import AliasRef, Conflict, Gazetteer, SourceInfo
from diplonorm.gazetteer.records import SourceFile, parse_source, read_source

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
