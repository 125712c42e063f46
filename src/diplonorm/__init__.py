"""diplonorm: normalize the actors and states of diplomatic and political news.

    >>> import diplonorm
    >>> norm = diplonorm.Normalizer()
    >>> norm.resolve("Beijing").country
    'CHN'

Importing diplonorm does not import spaCy; only `diplonorm.spacy_pipe` does.
"""

from typing import TYPE_CHECKING, Any

from diplonorm.errors import DiplonormError, GazetteerError
from diplonorm.gazetteer.bundled import bundled_gazetteer
from diplonorm.gazetteer.index import Gazetteer
from diplonorm.model import (
    Alias,
    AliasKind,
    Ambiguity,
    Entity,
    EntityKind,
    Office,
    PartialDate,
    Resolution,
    Tenure,
)
from diplonorm.normalizer import Normalizer
from diplonorm.text import normalize

if TYPE_CHECKING:
    from diplonorm.gazetteer.builder import load_gazetteer

__version__ = "0.1.0.dev0"


def __getattr__(name: str) -> Any:
    """Import the file-loading part of the gazetteer only when it is first used."""
    if name == "load_gazetteer":
        from diplonorm.gazetteer.builder import load_gazetteer

        return load_gazetteer
    msg = f"module 'diplonorm' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "Alias",
    "AliasKind",
    "Ambiguity",
    "DiplonormError",
    "Entity",
    "EntityKind",
    "Gazetteer",
    "GazetteerError",
    "Normalizer",
    "Office",
    "PartialDate",
    "Resolution",
    "Tenure",
    "__version__",
    "bundled_gazetteer",
    "load_gazetteer",
    "normalize",
]
