"""Tests of the document-context stage, on sentences written for the tests."""

from __future__ import annotations

import pytest

from diplonorm import EntityKind, Normalizer
from diplonorm.context import ContextSettings
from diplonorm.model import Mention
from tests.conftest import WriteGazetteer, person


def pairs(mentions: list[Mention]) -> list[tuple[str, str | None]]:
    """(text, entity id) of each mention."""
    return [(m.text, m.entity_id) for m in mentions]


def by_text(mentions: list[Mention], text: str) -> list[Mention]:
    """The mentions with this text."""
    return [m for m in mentions if m.text == text]


class TestPartialNames:
    """Partial names link to the full name in the document, or to the gazetteer by date."""

    def test_earlier_and_later_full_names(self, norm: Normalizer) -> None:
        """A surname links to the full name whether it comes before or after."""
        text = "Sullivan arrived first. Jake Sullivan then met Wang Yi, and Wang said little."
        mentions = norm.annotate(text, date="2022-06-01")
        first = mentions[0]
        assert (first.text, first.entity_id, first.method) == (
            "Sullivan",
            "person:jake-sullivan",
            "context",
        )
        assert "later in the document" in first.evidence
        wang = by_text(mentions, "Wang")[0]
        assert wang.entity_id == "person:wang-yi"
        assert "earlier in the document" in wang.evidence

    def test_two_people_with_one_surname_keep_their_own_mentions(
        self, write_gazetteer: WriteGazetteer
    ) -> None:
        """With two Sullivans, full names keep their ids and a surname takes the nearest."""
        path = write_gazetteer(
            person("john-j-sullivan", "John J. Sullivan", family_name="Sullivan")
        )
        norm = Normalizer(gazetteers=[path])
        text = (
            "John J. Sullivan spoke in Moscow. Later Jake Sullivan spoke in Washington, "
            "and Sullivan took questions."
        )
        mentions = norm.annotate(text, date="2021-06-01")
        assert pairs(mentions)[:2] == [
            ("John J. Sullivan", "person:john-j-sullivan"),
            ("Jake Sullivan", "person:jake-sullivan"),
        ]
        partial = by_text(mentions, "Sullivan")[0]
        assert partial.entity_id == "person:jake-sullivan"
        assert "2 persons of that name" in partial.evidence

    def test_kim_before_any_full_name_stays_unresolved(
        self, write_gazetteer: WriteGazetteer
    ) -> None:
        """'Kim' with two Kims only named later is found but not guessed."""
        path = write_gazetteer(
            person("kim-jong-un", "Kim Jong Un", country="PRK", family_name="Kim"),
            person("kim-yo-jong", "Kim Yo Jong", country="PRK", family_name="Kim"),
        )
        norm = Normalizer(gazetteers=[path])
        text = "Kim spoke at dawn. Kim Jong Un and Kim Yo Jong later appeared together. Kim waved."
        mentions = norm.annotate(text)
        first, last = by_text(mentions, "Kim")
        assert first.resolution is None
        assert {c.entity_id for c in first.candidates} == {
            "person:kim-jong-un",
            "person:kim-yo-jong",
        }
        assert last.entity_id == "person:kim-yo-jong"

    def test_gazetteer_fallback_by_date(self, norm: Normalizer) -> None:
        """Without a full name, the only person of that name in office on the date is taken."""
        mentions = norm.annotate("Putin said the talks had failed.", date="2022-03-14")
        assert pairs(mentions) == [("Putin", "person:vladimir-putin")]
        assert "in office on 2022-03-14" in mentions[0].evidence

    def test_months_are_not_people(self, norm: Normalizer) -> None:
        """'in May' is a month even in 2018; 'May said' is the prime minister."""
        text = "Talks with Britain resumed in May, and May said on 8 May that she was hopeful."
        mentions = norm.annotate(text, date="2018-10-08")
        people = [m for m in mentions if m.label is EntityKind.PERSON]
        assert [m.start for m in people] == [text.index("May said")]
        assert people[0].entity_id == "person:theresa-may"

    def test_a_common_word_starting_a_sentence_is_not_a_family_name(self, norm: Normalizer) -> None:
        """'To be sure' is not To Lam: the word is written in lower case elsewhere, so its
        capital is the sentence's. With the full name in the document the link stands, and
        a name never written in lower case still starts a sentence as a name."""
        plain = "Hanoi hosted the talks. To be sure, the envoys want to meet again."
        assert [m.text for m in plain_people(norm.annotate(plain, date="2025-03-01"))] == []
        named = "To Lam hosted the talks. To said he wants to meet again."
        people = plain_people(norm.annotate(named, date="2025-03-01"))
        assert [(m.text, m.entity_id) for m in people] == [
            ("To Lam", "person:to-lam"),
            ("To", "person:to-lam"),
        ]
        mentions = norm.annotate("Talks went well. Putin said so.", date="2022-03-14")
        assert pairs(mentions) == [("Putin", "person:vladimir-putin")]

    def test_a_place_name_is_not_a_partial_name(self, norm: Normalizer) -> None:
        """'Vella' inside 'Andorra la Vella' used as a place is not Malta's president, though
        the place itself is dropped; alone, 'Vella' is."""
        place = "Envoys met in Andorra la Vella on Monday to discuss trade."
        assert plain_people(norm.annotate(place, date="2022-03-14")) == []
        alone = norm.annotate("Vella said Malta would stay neutral.", date="2022-03-14")
        assert pairs(plain_people(alone)) == [("Vella", "person:george-vella")]

    def test_a_given_name_before_the_family_name_is_someone_else(self, norm: Normalizer) -> None:
        """'Tom Price' is not Ned Price; a capitalized common word before the name ('In
        Putin's view', with 'in' in lower case elsewhere) or an honorific is no given name."""
        tom = "American lawmakers met. Georgia congressman Tom Price is still awaiting a vote."
        assert plain_people(norm.annotate(tom, date="2022-03-14")) == []
        ned = norm.annotate("Ned Price spoke first. Later Price took questions.", date="2022-03-14")
        assert [m.entity_id for m in plain_people(ned)] == ["person:ned-price"] * 2
        view = norm.annotate("In Putin's view, talks in Geneva failed.", date="2022-03-14")
        assert pairs(plain_people(view)) == [("Putin", "person:vladimir-putin")]
        mister = norm.annotate("Talks failed. Mr Putin said little.", date="2022-03-14")
        assert pairs(plain_people(mister)) == [("Putin", "person:vladimir-putin")]


def plain_people(mentions: list[Mention]) -> list[Mention]:
    """The person mentions."""
    return [m for m in mentions if m.label is EntityKind.PERSON]


class TestRoleNominals:
    """Titles without a state resolve from the document."""

    @pytest.mark.parametrize(
        ("text", "date", "title", "holder", "why"),
        [
            pytest.param(
                "Sergei Lavrov arrived in Ankara. Later the foreign minister criticised NATO.",
                "2021-05-01",
                "foreign minister",
                "person:sergei-lavrov",
                "named in the document",
                id="holder named in the document",
            ),
            pytest.param(
                "Britain and the British parliament debated the deal in London. The prime "
                "minister defended it; Britain would leave, Downing Street said.",
                "2018-10-08",
                "prime minister",
                "person:theresa-may",
                "mentions most",
                id="without a named holder, the dominant state",
            ),
            pytest.param(
                "Britain and Britain's allies met U.S. officials. Sullivan said the talks went "
                "well, the national security adviser added.",
                "2022-06-01",
                "national security adviser",
                "person:jake-sullivan",
                "named in the document",
                id="a holder named by a partial name comes before the dominant state",
            ),
        ],
    )
    def test_title_decided_by_the_document(
        self, norm: Normalizer, text: str, date: str, title: str, holder: str, why: str
    ) -> None:
        """A title without a state goes to the holder the document names (in full or by a
        partial name), else to the office of the state the document mentions most."""
        role = by_text(norm.annotate(text, date=date), title)[0]
        assert role.entity_id == holder
        assert why in role.evidence

    def test_counterpart(self, norm: Normalizer) -> None:
        """'his Russian counterpart' holds the Russian office of the same role."""
        text = "Secretary of State Antony Blinken met his Russian counterpart on Friday."
        mentions = norm.annotate(text, date="2022-01-21")
        role = by_text(mentions, "counterpart")[0]
        assert role.entity_id == "person:sergei-lavrov"
        assert "foreign minister" in role.evidence

    def test_counterpart_followed_by_a_name_is_not_a_second_mention(self, norm: Normalizer) -> None:
        """In "his Russian counterpart Sergei Lavrov" the name is the mention, not the noun."""
        text = "Antony Blinken met his Russian counterpart Sergei Lavrov on Friday."
        mentions = norm.annotate(text, date="2022-01-21")
        assert by_text(mentions, "counterpart") == []
        assert by_text(mentions, "Sergei Lavrov")[0].entity_id == "person:sergei-lavrov"

    def test_bare_family_name_needs_its_state_in_the_document(self, norm: Normalizer) -> None:
        """A family name alone is read as an official only of a state the text mentions, and
        never when a capitalized word follows it (the first name of someone else)."""
        mentions = norm.annotate("Reporting by Simon in Rome.", date="2022-03-14")
        assert by_text(mentions, "Simon") == []
        text = "Canada's governor general spoke. Simon said the Crown stays."
        mentions = norm.annotate(text, date="2022-03-14")
        assert by_text(mentions, "Simon")[0].entity_id == "person:mary-simon"
        mentions = norm.annotate("In Canada, reporting by Simon Lewis.", date="2022-03-14")
        assert by_text(mentions, "Simon") == []

    def test_predicative_titles_are_not_mentions(self, norm: Normalizer) -> None:
        """'since he became president' refers to no one."""
        mentions = norm.annotate("It was his first trip since he became president.")
        assert mentions == []

    def test_no_date_uses_the_latest_holder_and_says_so(self, norm: Normalizer) -> None:
        """A modified title without a date gives the most recent holder, with a note."""
        mentions = norm.annotate("Britain's prime minister spoke.")
        assert "no date given" in mentions[-1].evidence


class TestTitlesNextToNames:
    """Titles set or confirm the state and office of the name they introduce."""

    def test_document_local_actor_and_its_partial_name(self, norm: Normalizer) -> None:
        """An unknown person after a title becomes a local actor; the surname links to it."""
        text = "Russian Foreign Minister Ivan Ivanovsky-Petrov spoke. Later Ivanovsky-Petrov left."
        mentions = norm.annotate(text, date="2022-01-01")
        local = [m for m in mentions if m.entity_id and m.entity_id.startswith("local:")]
        assert [(m.text, m.entity_id) for m in local] == [
            ("Ivan Ivanovsky-Petrov", "local:ivan-ivanovsky-petrov"),
            ("Ivanovsky-Petrov", "local:ivan-ivanovsky-petrov"),
        ]
        assert local[0].country == "RUS"
        assert local[0].resolution is not None
        assert local[0].resolution.office is not None
        assert local[0].resolution.office.id == "office:rus:foreign-minister"

    def test_known_person_keeps_the_title_as_evidence(self, norm: Normalizer) -> None:
        """'Chinese diplomat Yang Jiechi' and 'Commerce Secretary Gina Raimondo' are the persons."""
        mentions = norm.annotate(
            "U.S. Commerce Secretary Gina Raimondo met Chinese diplomat Yang Jiechi."
        )
        assert pairs(mentions) == [
            ("U.S.", "state:USA"),
            ("Gina Raimondo", "person:gina-raimondo"),
            ("Chinese", "state:CHN"),
            ("Yang Jiechi", "person:yang-jiechi"),
        ]

    def test_organization_inside_a_title_is_kept(self, norm: Normalizer) -> None:
        """'State Department spokesman Ned Price' gives the department and the person."""
        mentions = norm.annotate("State Department spokesman Ned Price declined to comment.")
        assert pairs(mentions) == [
            ("State Department", "body:usa:department-of-state"),
            ("Ned Price", "person:ned-price"),
        ]


class TestMetonymy:
    """Capitals and seats of government: the government, or just a place."""

    @pytest.mark.parametrize(
        "text",
        [
            "Beijing said it would respond.",
            "Washington told allies to wait.",
            "The EU urged Ankara to reconsider.",
            "Moscow's invasion drew sanctions.",
            "The Kremlin denied it.",
        ],
    )
    def test_government_uses(self, norm: Normalizer, text: str) -> None:
        """A capital that acts is a state mention marked as a government use."""
        states = [m for m in norm.annotate(text) if m.kind is EntityKind.STATE]
        assert states
        assert states[0].role == "government"
        assert "used for the government" in states[0].evidence

    @pytest.mark.parametrize(
        "text",
        [
            "Talks were held in Rome on Monday.",
            "The delegation landed in Beijing.",
            "ROME (Reuters) - Officials met.",
            "She flew to Moscow overnight.",
            "They visited Washington, Doha and Cairo.",
            "The Minsk agreements collapsed.",
            "A press conference at the White House ran late.",
        ],
    )
    def test_places_are_not_state_actors(self, norm: Normalizer, text: str) -> None:
        """Locations, datelines, trips and event names produce no state-actor mention."""
        assert [m for m in norm.annotate(text) if m.kind is EntityKind.STATE] == []

    @pytest.mark.parametrize(
        "text",
        [
            "OSAKA, Japan (Reuters)\t- Leaders met.",
            "Updated.\nOSAKA, Japan (Reuters) \u2013 Leaders met.",
            "OSAKA, Japan \u2014 Leaders met.",
        ],
    )
    def test_datelines_with_any_dash_on_any_line(self, norm: Normalizer, text: str) -> None:
        """A dateline is found after a tab, with an en or em dash, and on a later line."""
        assert norm.annotate(text) == []

    def test_dashes_in_the_body_are_not_datelines(self, norm: Normalizer) -> None:
        """A spaced dash in running text drops nothing."""
        mentions = norm.annotate("Japan - and China \u2013 agreed.")
        assert [m.country for m in mentions] == ["JPN", "CHN"]

    def test_locations_can_be_kept(self) -> None:
        """With locations='keep' a place use stays, marked as a location."""
        mentions = Normalizer(locations="keep").annotate("Talks were held in Rome.")
        assert [(m.text, m.role) for m in mentions] == [("Rome", "location")]
        assert "used as a place" in mentions[0].evidence

    def test_bad_policy_is_refused(self) -> None:
        """Only 'drop' and 'keep' are policies."""
        with pytest.raises(ValueError, match="locations must be one of"):
            ContextSettings(locations="ignore")


class TestCompoundsAndLists:
    """Compounds and lists give one mention per state."""

    def test_compounds(self, norm: Normalizer) -> None:
        """Sino-U.S. and Sino-Russian name both states."""
        mentions = norm.annotate("Sino-U.S. ties and Sino-Russian trade grew.")
        assert [m.country for m in mentions] == ["CHN", "USA", "CHN", "RUS"]

    def test_list_of_capitals_as_actors(self, norm: Normalizer) -> None:
        """'Washington, Doha and Cairo' told to act are three governments."""
        mentions = norm.annotate("The plan was backed by Washington, Doha and Cairo.")
        assert [(m.country, m.role) for m in mentions] == [
            ("USA", "government"),
            ("QAT", "government"),
            ("EGY", "government"),
        ]


def test_context_can_be_switched_off() -> None:
    """context=False gives the mentions of the names alone."""
    text = "Jake Sullivan spoke. Sullivan left for talks in Rome."
    plain = Normalizer(context=False).annotate(text)
    assert [m.text for m in plain] == ["Jake Sullivan", "Rome"]


def test_every_mention_explains_itself(norm: Normalizer) -> None:
    """Each mention of a mixed paragraph carries evidence."""
    text = (
        "GENEVA (Reuters) - Sergei Lavrov met Secretary of State John Kerry. Kerry told "
        "his Russian counterpart that Washington wanted a ceasefire; the Kremlin agreed."
    )
    mentions = norm.annotate(text, date="2016-09-09")
    assert mentions
    assert all(m.evidence for m in mentions)
    counterpart = by_text(mentions, "counterpart")[0]
    assert counterpart.entity_id == "person:sergei-lavrov"
