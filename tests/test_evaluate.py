"""Tests of the evaluation script, and the accuracy floors of the gold fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diplonorm import Normalizer
from diplonorm.evaluate import Counts, GoldDocument, GoldMention, evaluate, load_gold, score
from diplonorm.model import Mention

FIXTURES = Path(__file__).parent / "fixtures"

#: Scores the suite keeps from sliding back (measured with `diplonorm evaluate`; see
#: docs/evaluation.md). Raise them when the library improves; never lower them silently.
FLOORS = {
    "seeds_gold.jsonl": {"detection": 0.98, "end_to_end": 0.98},
    "composed_gold.jsonl": {"detection": 0.96, "end_to_end": 0.955},
}


def test_counts_scores() -> None:
    """Precision, recall and F1 follow their definitions, and are 0 on empty counts."""
    counts = Counts(tp=6, fp=2, fn=4)
    assert counts.precision == pytest.approx(0.75)
    assert counts.recall == pytest.approx(0.6)
    assert counts.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert Counts().f1 == 0.0


def _gold(*mentions: GoldMention) -> GoldDocument:
    return GoldDocument("doc", "Beijing and Moscow met Congo.", None, mentions)


def test_score_counts_detection_and_linking_separately(norm: Normalizer) -> None:
    """A right span with the wrong entity is a detection hit but an end-to-end miss."""
    gold = _gold(
        GoldMention(0, 7, "Beijing", "state", "metonym", "state:CHN", "China", "CHN"),
        GoldMention(12, 18, "Moscow", "state", "metonym", "state:UKR", "Ukraine", "UKR"),
        GoldMention(23, 28, "Congo", "state", "name", None, "Congo", None),
    )
    system = norm.annotate(gold.text)
    report = score([(gold, system)])
    assert report.detection["overall"].as_dict()["recall"] == 1.0
    end = report.end_to_end["overall"]
    assert (end.tp, end.fp, end.fn) == (2, 1, 1)
    assert report.errors[0]["gold"] == "state:UKR"


def test_spurious_mentions_are_false_positives() -> None:
    """A system mention with no gold span counts against precision in its kind."""
    gold = _gold()
    spurious = Mention(0, 7, "Beijing", None)
    report = score([(gold, [spurious])])
    assert report.detection["overall"].fp == 1
    assert report.detection["kind:other"].fp == 1


def test_gold_files_are_consistent() -> None:
    """Every gold span is the text at its offsets (load_gold checks it) and ids are unique kinds."""
    for name in FLOORS:
        documents = load_gold(FIXTURES / name)
        assert documents
        for doc in documents:
            assert doc.mentions
            for m in doc.mentions:
                assert doc.text[m.start : m.end] == m.text
                assert m.kind in {"state", "person", "organization"}


def test_broken_gold_span_is_reported(tmp_path: Path) -> None:
    """A gold span that does not match its text names the file and line."""
    (tmp_path / "t.txt").write_text("China", encoding="utf-8")
    line = {
        "id": "t",
        "source": "t.txt",
        "date": None,
        "mentions": [{"start": 0, "end": 4, "text": "China", "kind": "state", "type": "name"}],
    }
    (tmp_path / "g.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"g.jsonl:1: gold span 0-4"):
        load_gold(tmp_path / "g.jsonl")


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_accuracy_does_not_slide_back(norm: Normalizer, name: str) -> None:
    """Overall F1 on each gold file stays at or above the recorded floor."""
    report = evaluate(FIXTURES / name, norm)
    floors = FLOORS[name]
    assert report.detection["overall"].f1 >= floors["detection"], report.to_markdown()
    assert report.end_to_end["overall"].f1 >= floors["end_to_end"], report.to_markdown()


def test_gold_without_id_accepts_the_same_name_but_not_a_guess(norm: Normalizer) -> None:
    """A gold person outside the data is right if unresolved or named the same; an ambiguous
    gold name is right only if left unresolved."""
    from diplonorm.model import Entity, EntityKind, Resolution

    gold = GoldMention(0, 5, "Congo", "state", "name", None, "Congo", None, ambiguous=True)
    person = GoldMention(0, 9, "Kim Jong Un", "person", "name", None, "Kim Jong Un", "PRK")
    kim = Entity("person:kim-jong-un", "Kim Jong Un", EntityKind.PERSON, "PRK")
    other = Entity("person:kim-yo-jong", "Kim Yo Jong", EntityKind.PERSON, "PRK")
    congo = norm.get("state:COD")
    assert congo is not None
    report = score(
        [
            (
                GoldDocument("d", "Kim Jong Un", None, (person,)),
                [Mention(0, 9, "Kim Jong Un", Resolution(kim, 100.0, "exact", "e"))],
            )
        ]
    )
    assert report.end_to_end["overall"].tp == 1
    report = score(
        [
            (
                GoldDocument("d", "Kim Jong Un", None, (person,)),
                [Mention(0, 9, "Kim Jong Un", Resolution(other, 100.0, "exact", "e"))],
            )
        ]
    )
    assert report.end_to_end["overall"].tp == 0
    report = score(
        [
            (
                GoldDocument("d", "Congo", None, (gold,)),
                [Mention(0, 5, "Congo", Resolution(congo, 70.0, "exact", "e"))],
            )
        ]
    )
    assert report.end_to_end["overall"].tp == 0
