"""HTML view of annotated documents, rendered with spaCy's displaCy (imported on use)."""

from __future__ import annotations

from collections.abc import Sequence

from diplonorm.model import EntityKind, Mention

#: Colours of the labels by the kind of entity.
KIND_COLOURS = {
    EntityKind.STATE: "#7aecec",
    EntityKind.PERSON: "#aa9cfc",
    EntityKind.ORGANIZATION: "#feca74",
    EntityKind.GOVERNMENT_BODY: "#bfe1d9",
    EntityKind.SUBDIVISION: "#c887fb",
}
UNRESOLVED_COLOUR = "#dddddd"


def label(mention: Mention) -> str:
    """The label shown after a mention: canonical name and state, or why it is unresolved."""
    if mention.resolution is None:
        kind = mention.kind.value if mention.kind else "unresolved"
        return f"? {kind}"
    state = f" ({mention.country})" if mention.country else ""
    return f"{mention.canonical}{state}"


def render_html(documents: Sequence[tuple[str, str, Sequence[Mention]]]) -> str:
    """One HTML page showing every document with its mentions highlighted."""
    from spacy import displacy

    colours: dict[str, str] = {}
    parsed = []
    for title, text, mentions in documents:
        ents = []
        for m in mentions:
            name = label(m)
            kind = m.kind if m.resolution is not None else None
            colours[name] = KIND_COLOURS.get(kind, UNRESOLVED_COLOUR) if kind else UNRESOLVED_COLOUR
            ents.append({"start": m.start, "end": m.end, "label": name})
        parsed.append({"text": text, "ents": ents, "title": title})
    html: str = displacy.render(
        parsed, style="ent", manual=True, page=True, options={"colors": colours}
    )
    return html
