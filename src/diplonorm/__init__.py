"""diplonorm: normalize the actors and states of diplomatic and political news.

    >>> import diplonorm
    >>> norm = diplonorm.Normalizer()
    >>> norm.resolve("Beijing").country
    'CHN'

Names are imported on first use, so `import diplonorm` is nearly free (spaCy's entry point
loads `diplonorm.spacy_factories` in every pipeline) and never imports spaCy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from diplonorm.errors import DiplonormError, GazetteerError
    from diplonorm.gazetteer.builder import load_gazetteer
    from diplonorm.gazetteer.bundled import bundled_gazetteer
    from diplonorm.gazetteer.index import Gazetteer
    from diplonorm.model import (
        Alias,
        AliasKind,
        Ambiguity,
        Entity,
        EntityKind,
        Mention,
        Office,
        PartialDate,
        Resolution,
        Tenure,
    )
    from diplonorm.normalizer import Normalizer
    from diplonorm.text import normalize

__version__ = "0.1.0.dev0"

_EXPORTS = {
    "DiplonormError": "diplonorm.errors",
    "GazetteerError": "diplonorm.errors",
    "load_gazetteer": "diplonorm.gazetteer.builder",
    "bundled_gazetteer": "diplonorm.gazetteer.bundled",
    "Gazetteer": "diplonorm.gazetteer.index",
    "Alias": "diplonorm.model",
    "AliasKind": "diplonorm.model",
    "Ambiguity": "diplonorm.model",
    "Entity": "diplonorm.model",
    "EntityKind": "diplonorm.model",
    "Mention": "diplonorm.model",
    "Office": "diplonorm.model",
    "PartialDate": "diplonorm.model",
    "Resolution": "diplonorm.model",
    "Tenure": "diplonorm.model",
    "Normalizer": "diplonorm.normalizer",
    "normalize": "diplonorm.text",
}

__all__ = [
    "Alias",
    "AliasKind",
    "Ambiguity",
    "DiplonormError",
    "Entity",
    "EntityKind",
    "Gazetteer",
    "GazetteerError",
    "Mention",
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


def __getattr__(name: str) -> Any:
    """Import an exported name's module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'diplonorm' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
