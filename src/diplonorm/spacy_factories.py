"""spaCy entry point: registers the "diplonorm" factory.

spaCy imports this module (through the `spacy_factories` entry point) whenever any pipeline is
created, in every environment where diplonorm is installed. So it imports nothing heavy,
defers the component to `diplonorm.spacy_pipe`, and can never raise: a failure here would
break `spacy.blank()` for the user's whole environment. The factory's typed signature is what
spaCy validates the config against; the component coerces the values again explicitly.
"""

from typing import Any, List, Optional  # noqa: UP035 - spaCy's config validation reads these

make_diplonorm: Any = None

try:
    from spacy.language import Language

    @Language.factory(
        "diplonorm",
        default_config={
            "spans_key": "diplonorm",
            "annotate_ents": False,
            "overwrite_ents": False,
            "link_ents": True,
            "ent_labels": ["PERSON", "GPE", "NORP", "ORG", "FAC", "LOC"],
            "languages": ["en"],
            "fuzzy": True,
            "include_bundled": True,
            "date": None,
            "country": None,
            "extension": "diplonorm",
            "context": True,
            "locations": "drop",
        },
        assigns=["doc.spans", "doc.ents", "span._.diplonorm"],
    )
    def make_diplonorm(
        nlp: Language,
        name: str,
        spans_key: str,
        annotate_ents: bool,
        overwrite_ents: bool,
        link_ents: bool,
        ent_labels: List[str],  # noqa: UP006
        languages: List[str],  # noqa: UP006
        fuzzy: bool,
        include_bundled: bool,
        date: Optional[str],  # noqa: UP045
        country: Optional[str],  # noqa: UP045
        extension: str,
        context: bool,
        locations: str,
    ) -> Any:
        """Create the diplonorm component (its implementation is imported only now)."""
        from diplonorm.spacy_pipe import DiplonormComponent

        return DiplonormComponent(
            nlp,
            name,
            spans_key=spans_key,
            annotate_ents=annotate_ents,
            overwrite_ents=overwrite_ents,
            link_ents=link_ents,
            ent_labels=ent_labels,
            languages=languages,
            fuzzy=fuzzy,
            include_bundled=include_bundled,
            date=date,
            country=country,
            extension=extension,
            context=context,
            locations=locations,
        )

except Exception:  # never let a broken install break spaCy for the whole environment
    make_diplonorm = None
