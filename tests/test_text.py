"""Tests of the one alias normalization function."""

from __future__ import annotations

import pytest
from hypothesis import given

from diplonorm.text import MAX_NAME_LENGTH, fold_case, normalize
from tests.strategies import any_text, name_like


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Côte d’Ivoire", "Cote d'Ivoire"),
        ("U.S.", "US"),
        ("U.S", "US"),
        ("the Netherlands", "Netherlands"),
        ("The Gambia", "gambia"),
        ("THE GAMBIA", "gambia"),
        ("THE US", "US"),
        ("China’s", "China"),
        ("Beijing's", "beijing"),
        ("Philippines'", "Philippines"),
        ("Guinea-Bissau", "Guinea Bissau"),
        ("Guinea–Bissau", "guinea bissau"),
        ("Trinidad & Tobago", "Trinidad and Tobago"),
        ("ＵＳＡ", "USA"),
        ("Türkiye", "Turkiye"),
        ("São Tomé", "Sao Tome"),
        ("Øresund", "oresund"),
        ("  Kyiv\t\n", "kyiv"),
        ("Korea, Republic of", "korea republic of"),
    ],
)
def test_variants_share_a_key(a: str, b: str) -> None:
    """Spelling variants people write normalize to the same key."""
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("US", "us"), ("IT", "it"), ("UN", "un"), ("ME", "me"), ("Iran", "Iraq")],
)
def test_different_words_keep_different_keys(a: str, b: str) -> None:
    """Short all-caps acronyms keep their case, so they never meet the ordinary word."""
    assert normalize(a) != normalize(b)


def test_acronym_case_rules() -> None:
    """Acronyms of 2-5 capitals keep their case; longer words and mixed case fold."""
    assert normalize("NATO") == "NATO"
    assert normalize("Nato") == "nato"
    assert normalize("UNESCO") == "unesco"
    assert fold_case(normalize("US")) == "us"


def test_compounds_split_into_words() -> None:
    """Hyphenated compounds become separate words with their own case rules."""
    assert normalize("U.S.-China") == "US china"
    assert normalize("Xi Jin-ping") == "xi jin ping"


def test_other_scripts_keep_their_marks() -> None:
    """Combining marks of non-Latin scripts are part of the word, not separators."""
    assert normalize("नमस्ते दुनिया") == "नमस्ते दुनिया"
    assert normalize("ガガ") == "ガガ"


def test_only_punctuation_gives_empty_key() -> None:
    """Text without letters or digits has an empty key."""
    assert normalize(" .,;-—' ") == ""
    assert normalize("the") == "the"


def test_rejects_non_strings() -> None:
    """A non-str gets a TypeError that names the type."""
    with pytest.raises(TypeError, match="int"):
        normalize(5)  # type: ignore[arg-type]


def test_max_name_length_is_positive() -> None:
    """The documented name limit is a sensible bound."""
    assert MAX_NAME_LENGTH == 1000


@given(any_text)
def test_normalize_is_idempotent(text: str) -> None:
    """Normalizing a key again changes nothing."""
    key = normalize(text)
    assert normalize(key) == key


@given(name_like)
def test_normalize_is_idempotent_on_names(text: str) -> None:
    """Idempotence also holds on name-like text dense in dots, hyphens and apostrophes."""
    key = normalize(text)
    assert normalize(key) == key
    assert "  " not in key
    assert key == key.strip()
