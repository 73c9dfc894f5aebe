"""Escalation cases: one per person, severity only rises, consent scopes what mentors see."""
from __future__ import annotations

import pytest

from bot.mentoring import escalation
from bot.storage.conversations import record_user_message, touch_person


def _crisis(session, person, severity, text="msg", message_id=None):
    return escalation.record_crisis(
        session, person, severity=severity, signals=("test_signal",), text=text,
        message_id=message_id, source="gateway",
    )


def test_first_crisis_opens_a_case_and_later_ones_join_it(database):
    with database.session() as session:
        person = touch_person(session, "p1", "en", "BE")
        first = _crisis(session, person, "elevated", "first")
        second = _crisis(session, person, "elevated", "second")
        assert first.opened and not second.opened
        assert first.case.id == second.case.id
        case = escalation.get_case(session, first.case.id)
        assert [t.text for t in case.triggers] == ["first", "second"]
        assert case.country == "BE"


def test_severity_rises_but_is_never_lowered(database):
    with database.session() as session:
        person = touch_person(session, "p2", "nl", None)
        record = _crisis(session, person, "elevated")
        assert _crisis(session, person, "imminent").raised
        assert not _crisis(session, person, "concern").raised
        case = escalation.get_case(session, record.case.id)
        assert case.severity == "imminent"
        assert [e.kind for e in case.events] == ["opened", "raised"]


def test_unknown_severity_is_rejected(database):
    with database.session() as session:
        person = touch_person(session, "p3", "en", None)
        with pytest.raises(ValueError):
            _crisis(session, person, "catastrophic")


def test_queue_orders_by_severity_then_waiting_time(database):
    with database.session() as session:
        for person_id, severity in [("a", "concern"), ("b", "high"), ("c", "imminent"), ("d", "high")]:
            _crisis(session, touch_person(session, person_id, "en", None), severity)
        queue = escalation.list_open_cases(session)
        assert [c.person_id for c in queue] == ["c", "b", "d", "a"]


def test_transcript_is_shared_only_with_consent_but_triggers_always(database):
    with database.session() as session:
        person = touch_person(session, "p4", "en", None)
        hello = record_user_message(session, person, "hello", "en")
        worry = record_user_message(session, person, "i want to disappear for good", "en")
        case = _crisis(session, person, "elevated", worry.text, worry.id).case
        assert escalation.consented_transcript(session, case) == []
        assert [t.text for t in escalation.get_case(session, case.id).triggers] == [worry.text]
        escalation.set_consent(session, "p4", transcript=True)
        assert [m.id for m in escalation.consented_transcript(session, case)] == [hello.id, worry.id]


def test_claim_is_exclusive_and_release_frees_the_case(database):
    with database.session() as session:
        case = _crisis(session, touch_person(session, "p5", "en", None), "high").case
        escalation.claim(session, case.id, "mentor-a")
        with pytest.raises(escalation.CaseConflict, match="mentor-a"):
            escalation.claim(session, case.id, "mentor-b")
        with pytest.raises(escalation.CaseConflict):
            escalation.release(session, case.id, "mentor-b")
        escalation.release(session, case.id, "mentor-a")
        assert escalation.claim(session, case.id, "mentor-b").claimed_by == "mentor-b"


def test_closed_case_leaves_the_queue_and_a_new_crisis_opens_a_new_case(database):
    with database.session() as session:
        person = touch_person(session, "p6", "en", None)
        case = _crisis(session, person, "high").case
        with pytest.raises(ValueError):
            escalation.close(session, case.id, "mentor-a", "vanished")
        escalation.close(session, case.id, "mentor-a", "reached_safe", "spoke by chat, safe tonight")
        assert escalation.list_open_cases(session) == []
        with pytest.raises(escalation.CaseConflict):
            escalation.close(session, case.id, "mentor-a", "other")
        again = _crisis(session, person, "elevated")
        assert again.opened and again.case.id != case.id
