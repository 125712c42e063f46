"""The spaCy component: a thin layer over `Annotator`, the same code `Normalizer.annotate` runs.

It writes the mentions to `doc.spans[spans_key]` (and, on request, to `doc.ents`), links the
entities a trained NER found, sets `Span.kb_id_`, and stores each resolution as plain data in
`span._.diplonorm`. Serialization stores only settings and, when user gazetteers were added,
their compiled index; the bundled data is referenced, never copied.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import attrs
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from diplonorm.context import ContextSettings
from diplonorm.dates import coerce_date
from diplonorm.gazetteer.compiled import NORMALIZER_VERSION
from diplonorm.gazetteer.records import SourceFile, alias_keys_of, parse_source
from diplonorm.model import Mention
from diplonorm.normalizer import Normalizer, _country_hint

#: Version of what `to_disk` writes; `from_disk` refuses other versions.
FORMAT_VERSION = 1
_SETTINGS_FILE = "diplonorm.json"
_KINDS_TO_LABELS = {
    "state": "STATE",
    "person": "PERSON",
    "organization": "ORGANIZATION",
    "government_body": "GOVERNMENT_BODY",
    "subdivision": "SUBDIVISION",
}


def _data_key(span: Span) -> tuple[str, str, int, int, str]:
    """Where a span's resolution lives in `doc.user_data`.

    spaCy keys span extension values by character offsets alone, so two spans over the same
    tokens ("U.S.-China" is one token) would share one value; the entity id tells them apart.
    """
    return ("diplonorm", _EXTENSION[0], span.start_char, span.end_char, span.kb_id_)


def _user_data(doc: Doc) -> dict[Any, Any]:
    """`doc.user_data`, which spaCy types with str keys although it keys extensions by tuples."""
    return cast(dict[Any, Any], doc.user_data)


def get_resolution(span: Span) -> dict[str, Any] | None:
    """`span._.diplonorm`: the span's resolution as plain data, or None."""
    data = _user_data(span.doc).get(_data_key(span))
    return data if isinstance(data, dict) else None


def get_canonical(span: Span) -> str | None:
    """`span._.canonical`: the canonical name of the span's entity."""
    data = get_resolution(span)
    return data.get("canonical") if data else None


def get_country(span: Span) -> str | None:
    """`span._.country`: the ISO alpha-3 state of the span's entity."""
    data = get_resolution(span)
    return data.get("country") if data else None


def get_entity_id(span: Span) -> str | None:
    """`span._.entity_id`: the diplonorm id of the span's entity."""
    data = get_resolution(span)
    return data.get("entity_id") if data else None


_EXTENSION = ["diplonorm"]


def register_extensions(name: str = "diplonorm") -> None:
    """Register the extensions, each only if no one registered that name before.

    All getters are module-level functions (never lambdas), which keeps
    `nlp.pipe(n_process=N)` working under the spawn start method.
    """
    _EXTENSION[0] = name
    if not Span.has_extension(name):
        Span.set_extension(name, getter=get_resolution)
    for attr, getter in (
        ("canonical", get_canonical),
        ("country", get_country),
        ("entity_id", get_entity_id),
    ):
        if not Span.has_extension(attr):
            Span.set_extension(attr, getter=getter)
    if not Doc.has_extension(f"{name}_date"):
        Doc.set_extension(f"{name}_date", default=None)


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    msg = f"diplonorm config {name!r} must be true or false, not {value!r}"
    raise ValueError(msg)


def _as_strings(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable) or not all(isinstance(v, str) and v for v in value):
        msg = f"diplonorm config {name!r} must be a list of strings, not {value!r}"
        raise ValueError(msg)
    return tuple(value)


class DiplonormComponent:
    """Finds and resolves mentions of states, persons and organizations in a spaCy Doc."""

    def __init__(
        self,
        nlp: Language | None,
        name: str = "diplonorm",
        *,
        spans_key: str = "diplonorm",
        annotate_ents: bool = False,
        overwrite_ents: bool = False,
        link_ents: bool = True,
        ent_labels: Sequence[str] = ("PERSON", "GPE", "NORP", "ORG", "FAC", "LOC"),
        languages: Sequence[str] = ("en",),
        fuzzy: bool = True,
        include_bundled: bool = True,
        date: str | None = None,
        country: str | None = None,
        extension: str = "diplonorm",
        context: bool = True,
        locations: str = "drop",
    ) -> None:
        if not isinstance(spans_key, str) or not spans_key:
            msg = f"diplonorm config 'spans_key' must be a non-empty string, not {spans_key!r}"
            raise ValueError(msg)
        self.name = name
        self.spans_key = spans_key
        self.annotate_ents = _as_bool("annotate_ents", annotate_ents)
        self.overwrite_ents = _as_bool("overwrite_ents", overwrite_ents)
        self.link_ents = _as_bool("link_ents", link_ents)
        self.ent_labels = frozenset(_as_strings("ent_labels", ent_labels))
        self.languages = _as_strings("languages", languages)
        self.fuzzy = _as_bool("fuzzy", fuzzy)
        self.include_bundled = _as_bool("include_bundled", include_bundled)
        self.date = coerce_date(date)
        self.country = _country_hint(country)
        self.extension = _as_strings("extension", extension)[0]
        self.context = _as_bool("context", context)
        self.locations = ContextSettings(locations=locations).locations
        self.sources: list[SourceFile] = []
        register_extensions(self.extension)
        self._normalizer: Normalizer | None = None

    @property
    def normalizer(self) -> Normalizer:
        """The normalizer behind the component, built on first use."""
        if self._normalizer is None:
            self._normalizer = Normalizer(
                self.sources,
                include_bundled=self.include_bundled,
                fuzzy=self.fuzzy,
                languages=self.languages,
                context=self.context,
                locations=self.locations,
            )
        return self._normalizer

    def add_gazetteer(self, path: str | os.PathLike[str]) -> None:
        """Add a user gazetteer file; it takes precedence over the bundled data and is saved
        with the pipeline by `nlp.to_disk`."""
        source = parse_source(Path(path).read_bytes(), str(path))
        keys = {k: tuple(v) for k, v in alias_keys_of(source).items()}
        self.sources.append(attrs.evolve(source, keys=keys))
        self._normalizer = None

    def initialize(
        self,
        get_examples: Any = None,
        *,
        nlp: Language | None = None,
        gazetteers: Sequence[str] = (),
    ) -> None:
        """Load user gazetteers given in `[initialize.components.diplonorm]`, then build."""
        for path in gazetteers:
            self.add_gazetteer(path)
        _ = self.normalizer.annotator

    def _date_of(self, doc: Doc) -> dt.date | None:
        value = doc._.get(f"{self.extension}_date")
        return coerce_date(value) if value is not None else self.date

    def __call__(self, doc: Doc) -> Doc:
        """Annotate one document."""
        mentions = self.normalizer.annotator.annotate(doc.text, self._date_of(doc), self.country)
        spans = [s for s in (self._span(doc, m) for m in mentions) if s is not None]
        if self.link_ents and doc.ents:
            spans = self._link(doc, spans)
        doc.spans[self.spans_key] = spans
        if self.annotate_ents:
            ours = [s for s in spans if s.kb_id_]
            if self.overwrite_ents:
                doc.ents = filter_spans([*ours, *doc.ents])
            else:
                doc.ents = filter_spans([*doc.ents, *ours])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """Annotate a stream of documents."""
        for doc in docs:
            yield self(doc)

    def _span(self, doc: Doc, mention: Mention) -> Span | None:
        kind = mention.kind.value if mention.kind else "unresolved"
        label = _KINDS_TO_LABELS.get(kind, "UNRESOLVED")
        span = doc.char_span(
            mention.start,
            mention.end,
            label=label,
            kb_id=mention.entity_id or "",
            alignment_mode="expand",
        )
        if span is not None:
            _user_data(doc)[_data_key(span)] = mention.to_dict()
        return span

    def _link(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """Resolve the NER entities diplonorm did not find itself and set their kb_id."""
        covered = {(s.start, s.end): s for s in spans}
        taken: set[int] = set()
        for s in spans:
            taken.update(range(s.start, s.end))
        linked_ents = []
        date = self._date_of(doc)
        for ent in doc.ents:
            ours = covered.get((ent.start, ent.end))
            if ours is not None and ours.kb_id_:
                linked_ents.append(Span(doc, ent.start, ent.end, ent.label_, kb_id=ours.kb_id_))
                continue
            if ent.label_ not in self.ent_labels or taken.intersection(range(ent.start, ent.end)):
                linked_ents.append(ent)
                continue
            res = self.normalizer.resolve(ent.text[:1000], date=date, country=self.country)
            if res is None:
                linked_ents.append(ent)
                continue
            label = _KINDS_TO_LABELS[res.kind.value]
            span = Span(doc, ent.start, ent.end, label, kb_id=res.entity_id)
            data = res.to_dict()
            data.update(start=ent.start_char, end=ent.end_char, text=ent.text, role="name")
            data["evidence"] = f"linked the NER entity {ent.text!r} ({ent.label_}): {res.evidence}"
            _user_data(doc)[_data_key(span)] = data
            spans.append(span)
            linked_ents.append(Span(doc, ent.start, ent.end, ent.label_, kb_id=res.entity_id))
        doc.ents = linked_ents
        spans.sort(key=lambda s: (s.start, s.end))
        return spans

    def __reduce__(self) -> tuple[Any, ...]:
        sources = [(s.raw, _keys_of(s)) for s in self.sources]
        return (_rebuild, (self._settings(), sources))

    def _settings(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "spans_key": self.spans_key,
            "annotate_ents": self.annotate_ents,
            "overwrite_ents": self.overwrite_ents,
            "link_ents": self.link_ents,
            "ent_labels": sorted(self.ent_labels),
            "languages": list(self.languages),
            "fuzzy": self.fuzzy,
            "include_bundled": self.include_bundled,
            "date": self.date.isoformat() if self.date else None,
            "country": self.country,
            "extension": self.extension,
            "context": self.context,
            "locations": self.locations,
        }

    def to_disk(self, path: str | os.PathLike[str], *, exclude: Iterable[str] = ()) -> None:
        """Save the settings and the user gazetteers with their compiled alias keys.

        The bundled data is never copied; loading uses the saved keys instead of normalizing
        every alias again (they are recomputed only if the normalizer version changed).
        """
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        names = []
        for i, source in enumerate(self.sources):
            name = f"gazetteer-{i}.jsonl"
            (folder / name).write_bytes(source.raw)
            keys = {"normalizer": NORMALIZER_VERSION, "keys": _keys_of(source)}
            (folder / f"gazetteer-{i}.keys.json").write_text(
                json.dumps(keys, ensure_ascii=False), encoding="utf-8"
            )
            names.append(name)
        data = {
            "format": "diplonorm-spacy",
            "version": FORMAT_VERSION,
            "settings": self._settings(),
            "gazetteers": names,
        }
        (folder / _SETTINGS_FILE).write_text(json.dumps(data, indent=2), encoding="utf-8")

    def from_disk(
        self, path: str | os.PathLike[str], *, exclude: Iterable[str] = ()
    ) -> DiplonormComponent:
        """Load what `to_disk` saved; refuses files of another format version."""
        folder = Path(path)
        data = json.loads((folder / _SETTINGS_FILE).read_text(encoding="utf-8"))
        if data.get("format") != "diplonorm-spacy" or data.get("version") != FORMAT_VERSION:
            where = folder / _SETTINGS_FILE
            msg = f"{where}: not a diplonorm component of format version {FORMAT_VERSION}"
            raise ValueError(msg)
        self.sources = []
        for name in data["gazetteers"]:
            saved = json.loads(
                (folder / name.replace(".jsonl", ".keys.json")).read_text(encoding="utf-8")
            )
            current = saved.get("normalizer") == NORMALIZER_VERSION
            keys = {k: tuple(v) for k, v in saved["keys"].items()} if current else None
            self.sources.append(parse_source((folder / name).read_bytes(), name, keys))
        self._normalizer = None
        return self


def _keys_of(source: SourceFile) -> dict[str, tuple[str, ...]]:
    """The alias keys of a file: the saved ones, or computed now (once per file)."""
    if source.keys is not None:
        return dict(source.keys)
    return {k: tuple(v) for k, v in alias_keys_of(source).items()}


def _rebuild(
    settings: dict[str, Any], sources: list[tuple[bytes, dict[str, tuple[str, ...]]]]
) -> DiplonormComponent:
    name = settings.pop("name")
    component = DiplonormComponent(None, name, **settings)
    component.sources = [
        parse_source(raw, f"gazetteer-{i}", keys) for i, (raw, keys) in enumerate(sources)
    ]
    return component
