"""Tests of mention detection and annotation in running text (sentences written for the tests)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from diplonorm import EntityKind, Normalizer
from diplonorm.model import Mention


def spans(mentions: list[Mention]) -> list[tuple[str, str | None]]:
    """(text, entity id) pairs of the mentions."""
    return [(m.text, m.entity_id) for m in mentions]


def test_offsets_are_exact_and_in_text_order(norm: Normalizer) -> None:
    """Each mention's text is the slice of the input at its offsets."""
    text = "Beijing and Moscow met NATO envoys; the Kremlin said Ankara agreed."
    mentions = norm.annotate(text)
    assert [m.text for m in mentions] == ["Beijing", "Moscow", "NATO", "Kremlin", "Ankara"]
    for m in mentions:
        assert text[m.start : m.end] == m.text
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_case_rules(norm: Normalizer) -> None:
    """'US' is the state, 'us' a pronoun; lower-case words are not proper names."""
    text = "Let us see what the US does. IT workers and ME analysts ate turkey in china cups."
    assert spans(norm.annotate(text)) == [("US", "state:USA")]


def test_headline_in_capitals(norm: Normalizer) -> None:
    """An all-caps headline still finds plain names."""
    mentions = norm.annotate("IRAN AND CHINA SIGN DEAL")
    assert spans(mentions) == [("IRAN", "state:IRN"), ("CHINA", "state:CHN")]


def test_possessives_are_left_out_of_the_span(norm: Normalizer) -> None:
    """'Beijing's' and 'China’s' give the name without the possessive."""
    mentions = norm.annotate("Beijing's envoy met China’s and the Philippines' ministers.")
    assert [m.text for m in mentions] == ["Beijing", "China", "Philippines"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("U.S.-China talks", [("U.S.", "state:USA"), ("China", "state:CHN")]),
        ("the Russia-Ukraine war", [("Russia", "state:RUS"), ("Ukraine", "state:UKR")]),
        ("a US-led coalition", [("US", "state:USA")]),
        ("Sino-Russian ties", [("Sino", "state:CHN"), ("Russian", "state:RUS")]),
    ],
)
def test_hyphenated_compounds_give_one_mention_per_state(
    norm: Normalizer, text: str, expected: list[tuple[str, str]]
) -> None:
    """Compounds split at hyphens; each state is its own mention."""
    assert spans(norm.annotate(text)) == expected


def test_longest_match_wins(norm: Normalizer) -> None:
    """'South China Morning Post' is one organization, not China; 'the Washington Post' too."""
    mentions = norm.annotate("The South China Morning Post and The Washington Post reported it.")
    assert spans(mentions) == [
        ("South China Morning Post", "org:south-china-morning-post"),
        ("Washington Post", "org:washington-post"),
    ]


def test_demonyms_metonyms_and_organizations(norm: Normalizer) -> None:
    """Each alias kind is found and resolved with its kind kept in the resolution."""
    mentions = norm.annotate(
        "Chinese diplomats told the White House that the European Union agreed."
    )
    assert spans(mentions) == [
        ("Chinese", "state:CHN"),
        ("White House", "state:USA"),
        ("European Union", "org:eu"),
    ]
    assert mentions[1].resolution is not None
    assert mentions[1].resolution.alias_kind is not None
    assert mentions[1].resolution.alias_kind.value == "metonym"


def test_title_with_modifier_resolves_to_the_holder(norm: Normalizer) -> None:
    """'Britain's prime minister' on a date is the holder of that office then."""
    text = "Britain's prime minister spoke to reporters."
    mentions = norm.annotate(text, date="2018-10-08")
    assert [(m.text, m.role) for m in mentions] == [
        ("Britain", "name"),
        ("prime minister", "title"),
    ]
    assert mentions[1].canonical == "Theresa May"
    assert mentions[1].kind is EntityKind.PERSON
    assert "modifier 'Britain'" in mentions[1].evidence


def test_title_without_country_uses_the_hint(norm: Normalizer) -> None:
    """A bare title is resolved with the document's country hint, or left unresolved."""
    text = "The secretary of state flew to Seoul."
    unresolved = norm.annotate(text, date="2019-05-01")
    assert unresolved[0].text == "secretary of state"
    hinted = norm.annotate(text, date="2019-05-01", country="USA")
    assert hinted[0].canonical == "Mike Pompeo"


def test_title_before_a_known_name_is_not_a_separate_mention(norm: Normalizer) -> None:
    """'Commerce Secretary Gina Raimondo' gives the person, with the title as evidence."""
    mentions = norm.annotate("U.S. Commerce Secretary Gina Raimondo said so.", date="2022-03-01")
    assert spans(mentions) == [("U.S.", "state:USA"), ("Gina Raimondo", "person:gina-raimondo")]
    assert "title 'Commerce Secretary' before the name" in mentions[1].evidence


def test_unknown_name_after_a_title_becomes_a_document_local_actor(norm: Normalizer) -> None:
    """A person the gazetteer lacks is found from the title and gets a document-local id."""
    mentions = norm.annotate("Chinese foreign ministry spokesperson Zhu Bajie told reporters.")
    person = [m for m in mentions if m.kind is EntityKind.PERSON]
    assert [(m.text, m.entity_id, m.country) for m in person] == [
        ("Zhu Bajie", "local:zhu-bajie", "CHN")
    ]
    assert "document-local actor" in person[0].evidence
    assert person[0].resolution is not None
    assert person[0].resolution.office is not None
    assert person[0].resolution.entity.family_name == "Zhu"
    lone = norm.annotate("The commerce secretary Ann Q. Bee-Smith arrived.", country="USA")
    assert [m.text for m in lone if m.kind is EntityKind.PERSON][-1] == "Ann Q. Bee-Smith"


def test_foreign_names_only_in_configured_languages() -> None:
    """A French name is not detected in default (English) mode, but is with French on."""
    text = "Talks with Allemagne went well."
    assert Normalizer().annotate(text) == []
    french = Normalizer(languages=("en", "fr")).annotate(text)
    assert spans(french) == [("Allemagne", "state:DEU")]


def test_ambiguous_names_are_found_but_not_guessed(norm: Normalizer) -> None:
    """'Congo' is a mention with candidates and no answer."""
    mentions = norm.annotate("Rebels advanced in Congo.")
    assert mentions[0].text == "Congo"
    assert mentions[0].resolution is None
    assert {c.entity_id for c in mentions[0].candidates} == {"state:COD", "state:COG"}
    assert mentions[0].to_dict()["method"] == "unresolved"


def test_unicode_offsets(norm: Normalizer) -> None:
    """Combining marks, emoji, CJK, right-to-left text, CRLF and NBSP keep offsets exact."""
    text = (
        "🇺🇳 e\u0301te\u0301 中国 Beijing\r\nمرحبا Côte d\u2019Ivoire\u00a0and\u00a0Türkiye 😀 Kyiv"
    )
    mentions = norm.annotate(text)
    assert [m.text for m in mentions] == ["Beijing", "Côte d\u2019Ivoire", "Türkiye", "Kyiv"]
    for m in mentions:
        assert text[m.start : m.end] == m.text


def test_non_str_text_is_a_type_error(norm: Normalizer) -> None:
    """annotate() takes text only."""
    with pytest.raises(TypeError, match="text must be a str"):
        norm.annotate(b"China")  # type: ignore[arg-type]


def test_empty_and_plain_text(norm: Normalizer) -> None:
    """Text without names gives no mentions."""
    assert norm.annotate("") == []
    assert norm.annotate("nothing to see here, really.") == []


def test_mentions_serialize_to_plain_data(norm: Normalizer) -> None:
    """to_dict() gives JSON-friendly fields for resolved mentions."""
    data = norm.annotate("Moscow said no.")[0].to_dict()
    assert data["entity_id"] == "state:RUS"
    assert data["start"] == 0
    assert data["alias_kind"] == "metonym"


_TEXTS = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "China",
                "U.S.",
                "Beijing's",
                "the Kremlin",
                "US-led",
                " ",
                ", ",
                "\n",
                "Côte d’Ivoire",
                "NATO",
                "Jake Sullivan",
                "us",
                "é",
                "😀",
                "\u00a0",
            ]
        ),
        st.text(max_size=8),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_offsets_always_exact(text: str) -> None:
    """Property: for any text, every mention is the exact slice and mentions do not overlap."""
    mentions = _shared().annotate(text)
    end = -1
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.start >= end
        end = m.end


_NORM: list[Normalizer] = []


def _shared() -> Normalizer:
    if not _NORM:
        _NORM.append(Normalizer())
    return _NORM[0]


def test_word_trigger_case_rules() -> None:
    """Capitalized words need a capital first letter; any-case words match in any case;
    only whole words count, apostrophes and underscores split them."""
    from diplonorm.detect import WordTrigger

    trigger = WordTrigger(["china", "chad", "security", "o'brien"], ["president"])
    assert trigger("Security Council")
    assert trigger("SECURITY")
    assert not trigger("food security")
    assert trigger("the President")
    assert trigger("the president")
    assert trigger("the PRESIDENT")
    assert not trigger("Chinatown")
    assert trigger("Chad.")
    assert trigger("China's leaders")
    assert trigger("US_China")
    assert trigger("O'Brien's view")
    assert not trigger("china and chad")


_ASCII_WORDS = st.lists(
    st.sampled_from(
        [
            "China",
            "china",
            "the",
            "Kremlin",
            "U.S.",
            "us",
            "said",
            "President",
            "prime",
            "minister",
            "Sullivan",
            "Jake",
            "counterpart",
            "Russian",
            "his",
            "security",
            "Security",
            "Council",
            "in",
            "Rome",
            "talks",
            ",",
            ".",
            "\n",
            "May",
            "8",
            "G7",
            "Holland",
            "Steve",
            "Ned",
            "Price",
        ]
    ),
    max_size=25,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_ASCII_WORDS)
def test_pre_check_never_changes_the_result(text: str) -> None:
    """Property: the quick pre-check only skips texts in which the full path finds nothing."""
    annotator = _shared().annotator
    full = annotator.annotate(text + " \u00e9")
    quick = annotator.annotate(text)
    assert [(m.start, m.end, m.entity_id) for m in quick] == [
        (m.start, m.end, m.entity_id) for m in full if m.end <= len(text)
    ]


@pytest.mark.parametrize("text", ["China_China", "US_China talks", "Iran_Iraq"])
def test_a_mention_never_splits_a_written_token(text: str) -> None:
    """A token that normalizes to several words ("China_China") gives no overlapping parts."""
    mentions = _shared().annotate(text)
    assert all(m.text.strip("_") == m.text for m in mentions)
    spans = [(m.start, m.end) for m in mentions]
    assert len(spans) == len(set(spans))
    assert not any("_" in m.text for m in mentions)


_SCAN_WORDS = st.lists(
    st.sampled_from(
        [
            *("Said", "said", "To", "to", "Lam", "SAID", "TO", ".", "the", "prime minister"),
            *("foreign minister", "Foreign Minister", "national security adviser", "Chinese"),
        ]
    ),
    max_size=12,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_ASCII_WORDS, _TEXTS, _SCAN_WORDS))
@example("the prime minister and To Lam said to the foreign minister")
def test_scan_skips_only_what_cannot_match(text: str) -> None:
    """Property: the scan's shortcuts (one pass for phrase starts and watched words, no
    capitalized-only phrase tried at a lower-case word) find what visiting every phrase start
    finds, and the watched words are exactly those not written in lower case."""
    from itertools import compress

    detector = _shared().annotator.detector
    scan = detector.scan(text)
    keys, starts = scan.tokens.keys, scan.tokens.starts
    every_start = compress(range(len(keys)), map(detector.index.first_words.__contains__, keys))
    assert scan.candidates == detector._candidates(text, scan.tokens, every_start)
    assert scan.watched == [
        i for i, key in enumerate(keys) if key in detector.watch and not text[starts[i]].islower()
    ]
