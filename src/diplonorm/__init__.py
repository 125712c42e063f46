"""diplonorm: normalize the actors and states of diplomatic and political news.

    >>> import diplonorm
    >>> norm = diplonorm.Normalizer()
    >>> norm.resolve("Beijing").country
    'CHN'

Importing diplonorm does not import spaCy; only `diplonorm.spacy_pipe` does.
"""

from diplonorm.errors import DiplonormError, GazetteerError
from diplonorm.gazetteer import Gazetteer, bundled_gazetteer, load_gazetteer
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

__version__ = "0.1.0.dev0"

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
