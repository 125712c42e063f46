"""Scoring annotation against hand-annotated gold files (see docs/evaluation.md).

Detection counts a system mention as right when its span equals a gold span; end to end it
must also name the same entity (or, for a gold mention without an entity id, be unresolved or
a document-local actor with the same canonical name). Scores are given overall, per kind
(state, person, organization) and, for recall, per mention type (name, demonym, metonym, ...).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from diplonorm.model import EntityKind, Mention
from diplonorm.normalizer import Normalizer
from diplonorm.text import normalize

_KIND_GROUPS = {
    EntityKind.STATE: "state",
    EntityKind.SUBDIVISION: "state",
    EntityKind.PERSON: "person",
    EntityKind.ORGANIZATION: "organization",
    EntityKind.GOVERNMENT_BODY: "organization",
}


@attrs.frozen(slots=True)
class GoldMention:
    """One hand-annotated mention."""

    start: int
    end: int
    text: str
    kind: str
    type: str
    entity_id: str | None
    canonical: str
    country: str | None
    ambiguous: bool = False


@attrs.frozen(slots=True)
class GoldDocument:
    """A gold document: its text, date and mentions."""

    id: str
    text: str
    date: dt.date | None
    mentions: tuple[GoldMention, ...]


@attrs.define
class Counts:
    """True positives, false positives and false negatives, with the derived scores."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp), 0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn), 0 when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """The counts and scores as plain data."""
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@attrs.define
class Report:
    """Scores of one evaluation run, by level (detection, end_to_end) and group."""

    documents: int = 0
    detection: dict[str, Counts] = attrs.Factory(dict)
    end_to_end: dict[str, Counts] = attrs.Factory(dict)
    errors: list[dict[str, Any]] = attrs.Factory(list)

    def add(self, level: str, group: str, field: str) -> None:
        """Count one tp/fp/fn in a group at a level."""
        table = self.detection if level == "detection" else self.end_to_end
        counts = table.setdefault(group, Counts())
        setattr(counts, field, getattr(counts, field) + 1)

    def as_dict(self) -> dict[str, Any]:
        """The whole report as plain data."""
        return {
            "documents": self.documents,
            "detection": {g: c.as_dict() for g, c in sorted(self.detection.items())},
            "end_to_end": {g: c.as_dict() for g, c in sorted(self.end_to_end.items())},
            "errors": self.errors,
        }

    def to_markdown(self) -> str:
        """A readable table of both levels."""
        lines = [
            f"documents: {self.documents}",
            "",
            "| group | detection P | R | F1 | end-to-end P | R | F1 | gold |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for group in sorted(set(self.detection) | set(self.end_to_end), key=_group_order):
            d = self.detection.get(group, Counts())
            e = self.end_to_end.get(group, Counts())
            precision = group.startswith("type:")
            dp = "-" if precision else f"{d.precision:.3f}"
            ep = "-" if precision else f"{e.precision:.3f}"
            lines.append(
                f"| {group} | {dp} | {d.recall:.3f} | {'-' if precision else f'{d.f1:.3f}'} "
                f"| {ep} | {e.recall:.3f} | {'-' if precision else f'{e.f1:.3f}'} "
                f"| {d.tp + d.fn} |"
            )
        return "\n".join(lines)


def _group_order(group: str) -> tuple[int, str]:
    return (0 if group == "overall" else 1 if group.startswith("kind:") else 2, group)


def load_gold(path: str | Path) -> list[GoldDocument]:
    """Read a gold JSON Lines file; each document's text is read from its `source`."""
    path = Path(path)
    documents = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        source = path.parent / record["source"]
        with open(source, encoding="utf-8", newline="") as handle:
            text = handle.read()
        mentions = []
        for raw in record["mentions"]:
            mention = GoldMention(
                start=raw["start"],
                end=raw["end"],
                text=raw["text"],
                kind=raw["kind"],
                type=raw["type"],
                entity_id=raw.get("entity_id"),
                canonical=raw.get("canonical", raw["text"]),
                country=raw.get("country"),
                ambiguous=bool(raw.get("ambiguous", False)),
            )
            if text[mention.start : mention.end] != mention.text:
                where = f"{mention.start}-{mention.end}"
                msg = f"{path}:{number}: gold span {where} is not {mention.text!r}"
                raise ValueError(msg)
            mentions.append(mention)
        date = dt.date.fromisoformat(record["date"]) if record.get("date") else None
        documents.append(GoldDocument(record["id"], text, date, tuple(mentions)))
    return documents


def _correct(gold: GoldMention, system: Mention) -> bool:
    """Whether a system mention on a gold span names the gold entity.

    A gold mention without an id names someone the bundled data lacked when it was
    annotated: the system is right to leave it unresolved, or to name an entity (a
    document-local actor, or one from a user gazetteer) with the same canonical name. An
    ambiguous gold mention must stay unresolved.
    """
    if gold.entity_id is not None:
        return system.entity_id == gold.entity_id
    if system.entity_id is None:
        return True
    if gold.ambiguous:
        return False
    return normalize(system.canonical or "") == normalize(gold.canonical)


def score(documents: Iterable[tuple[GoldDocument, list[Mention]]]) -> Report:
    """Score system mentions against gold mentions, document by document."""
    report = Report()
    for gold_doc, system in documents:
        report.documents += 1
        gold_by_span = {(g.start, g.end): g for g in gold_doc.mentions}
        system_by_span: dict[tuple[int, int], Mention] = {}
        for m in system:
            system_by_span.setdefault((m.start, m.end), m)
        for span, gold in gold_by_span.items():
            groups = ("overall", f"kind:{gold.kind}", f"type:{gold.type}")
            found = system_by_span.get(span)
            right = found is not None and _correct(gold, found)
            for group in groups:
                report.add("detection", group, "tp" if found is not None else "fn")
                report.add("end_to_end", group, "tp" if right else "fn")
            if found is not None and not right:
                report.add("end_to_end", "overall", "fp")
                report.add("end_to_end", f"kind:{gold.kind}", "fp")
            if not right:
                report.errors.append(
                    {
                        "document": gold_doc.id,
                        "span": list(span),
                        "text": gold.text,
                        "gold": gold.entity_id or gold.canonical,
                        "system": None if found is None else (found.entity_id or "unresolved"),
                    }
                )
        for span, m in system_by_span.items():
            if span in gold_by_span:
                continue
            group = f"kind:{_KIND_GROUPS.get(m.kind, 'other') if m.kind else 'other'}"
            for level in ("detection", "end_to_end"):
                report.add(level, "overall", "fp")
                report.add(level, group, "fp")
            report.errors.append(
                {
                    "document": gold_doc.id,
                    "span": list(span),
                    "text": m.text,
                    "gold": None,
                    "system": m.entity_id or "unresolved",
                }
            )
    return report


def evaluate(gold_path: str | Path, normalizer: Normalizer | None = None) -> Report:
    """Annotate every gold document with `normalizer` (bundled data by default) and score."""
    norm = normalizer or Normalizer()
    documents = load_gold(gold_path)
    return score((doc, norm.annotate(doc.text, date=doc.date)) for doc in documents)
