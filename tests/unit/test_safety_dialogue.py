"""The one place where a detected crisis becomes a reply, a case and a notice."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.mentoring import escalation
from bot.safety.check import record_answer
from bot.safety.dialogue import handle_dialogue_crisis, parse_control, request_mentor
from bot.storage.conversations import touch_person
from bot.storage.models import SafetyCheck


def test_dialogue_intent_alone_only_asks_the_direct_question(database):
    with database.session() as session:
        outcome = handle_dialogue_crisis("d1", "my plants keep dying on the balcony", "en", "NL", session=session)
        assert outcome.full is False
        assert escalation.open_case_for(session, "d1") is None   # no case until the person answers
        check = session.scalars(select(SafetyCheck)).one()
        assert (check.person_id, check.source, check.kind, check.answer) == ("d1", "dialogue", "dialogue_intent", None)
    assert [r["custom"]["safety_check"]["country"] for r in outcome.replies] == ["NL"]
    assert not any("crisis" in (r.get("custom") or {}) for r in outcome.replies)


def test_after_a_no_the_dialogue_intent_alone_asks_nothing(database):
    with database.session() as session:
        handle_dialogue_crisis("d1b", "my plants keep dying on the balcony", "en", None, session=session)
        record_answer(session.scalars(select(SafetyCheck)).one(), "no")
        again = handle_dialogue_crisis("d1b", "my plants keep dying again", "en", None, session=session)
        assert again.full is False and again.replies == []


@pytest.mark.parametrize(("text", "language"), [
    ("our book club is reading a novel about suicide this month", "en"),
    ("I watched a documentary about suicide prevention last night", "en"),
    ("ik wil stoppen met roken en ik ben er klaar mee", "nl"),
    ("onze leesclub leest deze maand een roman over zelfdoding", "nl"),
])
def test_dialogue_intent_asks_nothing_where_the_classifier_is_sure_it_is_ordinary(database, text, language):
    with database.session() as session:
        outcome = handle_dialogue_crisis("d1e", text, language, None, session=session)
        assert outcome.full is False and outcome.replies == []          # the dialogue listens instead
        assert session.scalars(select(SafetyCheck)).first() is None
        assert escalation.open_case_for(session, "d1e") is None


@pytest.mark.parametrize(("language", "asks"), [("nl", False), ("en", True)])
def test_dialogue_intent_alone_needs_the_languages_floor_of_probability(database, monkeypatch, language, asks):
    # Between the dismiss level (.10) and the Dutch floor (.15, safety_check.yml) the Dutch intent's
    # question mostly landed on hard negatives; English keeps asking there (a crisis message sat at .101).
    from bot.crisis import CrisisAssessment
    from bot.safety import dialogue

    monkeypatch.setattr(dialogue, "detect", lambda text, lang: CrisisAssessment(False, None, (), lang, "none", 0.12))
    with database.session() as session:
        outcome = handle_dialogue_crisis("d1h", "work has been getting on top of me for weeks", language, None,
                                         session=session)
        assert bool([r for r in outcome.replies if r.get("custom", {}).get("safety_check")]) is asks
        assert outcome.full is False


def test_dutch_dialogue_intent_listens_to_a_grumble_about_work(database):
    with database.session() as session:
        outcome = handle_dialogue_crisis("d1i", "ik heb geen zin meer in dat stomme werk van mij", "nl", None,
                                         session=session)
        assert outcome.full is False and outcome.replies == []
        assert session.scalars(select(SafetyCheck)).first() is None


def test_dutch_dialogue_intent_still_asks_above_its_floor(database):
    # p about .2: the detector itself asks nothing, the dialogue's intent does.
    with database.session() as session:
        outcome = handle_dialogue_crisis("d1j", "mijn planten op het balkon gaan allemaal dood", "nl", None,
                                         session=session)
        assert [r["custom"]["safety_check"] for r in outcome.replies]


def test_dialogue_intent_still_asks_about_a_few_words_the_classifier_reads_as_ordinary(database):
    # Four words cannot show the sense they are used in; the classifier's low probability is no proof.
    with database.session() as session:
        outcome = handle_dialogue_crisis("d1f", "my plants keep dying", "en", None, session=session)
        assert outcome.full is False
        assert [r["custom"]["safety_check"] for r in outcome.replies]


def test_dialogue_intent_still_asks_when_the_classifier_cannot_run(database, monkeypatch):
    from bot.crisis import classifier

    monkeypatch.setattr(classifier, "check", lambda text, lang: None)   # encoder or model missing
    with database.session() as session:
        outcome = handle_dialogue_crisis("d1g", "our book club is reading a novel about suicide this month", "en",
                                         None, session=session)
        assert outcome.full is False
        assert [r["custom"]["safety_check"] for r in outcome.replies]


@pytest.mark.parametrize("text", ["i want to die, everything feels pointless", "/crisis"])
def test_dialogue_intent_takes_over_when_the_detector_agrees_or_for_the_button(database, text):
    with database.session() as session:
        outcome = handle_dialogue_crisis("d1c", text, "en", "NL", session=session)
        case = escalation.open_case_for(session, "d1c")
        assert outcome.full is True
        assert case.severity in ("elevated", "high", "imminent")
        assert "dialogue_intent" in case.triggers[0].signals
        assert case.triggers[0].source == "dialogue"
    assert any("crisis" in (r.get("custom") or {}) for r in outcome.replies)


def test_dialogue_keeps_the_stronger_rule_severity(database):
    with database.session() as session:
        handle_dialogue_crisis("d2", "i took all my pills an hour ago", "en", None, session=session)
        assert escalation.open_case_for(session, "d2").severity == "imminent"


def test_asking_for_a_mentor_records_consent_to_be_contacted(database):
    with database.session() as session:
        request_mentor("d3", "nl", session=session)
        case = escalation.open_case_for(session, "d3")
        assert case.consent_contact is True and case.severity == "concern"
        touch_person(session, "d4", "en", None)
        handle_dialogue_crisis("d4", "i want to die", "en", None, session=session)
        request_mentor("d4", "en", session=session)
        assert len([c for c in escalation.list_open_cases(session) if c.person_id == "d4"]) == 1
        assert escalation.open_case_for(session, "d4").consent_contact is True


def test_control_payloads_are_parsed_strictly():
    assert parse_control('/set_country{"country":"BE"}') == ("set_country", {"country": "BE"})
    assert parse_control('/consent{"transcript": true}') == ("consent", {"transcript": True})
    assert parse_control("/set_country{broken") is None
    assert parse_control("please /consent to this") is None
    assert parse_control("/greet") is None
