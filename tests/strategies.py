"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

#: Text from every Unicode category, including controls, marks, emoji and surrogate-free CJK.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)

#: Name-like text: letters, spaces, dots, hyphens and apostrophes, in Latin and other scripts.
name_like = st.text(
    st.one_of(
        st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .-'’")),
        st.characters(categories=("Lu", "Ll", "Mn")),
    ),
    max_size=40,
)
