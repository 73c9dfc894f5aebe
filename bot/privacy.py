"""A person's data as a whole: export it, erase it, show what is left, purge what is too old.

One home for "everything we hold about an id" so the API ("delete all my data"), the operators'
commands (``python -m api.cli show-data`` / ``purge``) and the retention policy agree on what
"everything" is: the app's tables and the dialogue engine's tracker store.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from bot.exercises.runner import lifeline_of
from bot.groups import rules as groups
from bot.storage.conversations import history
from bot.storage.models import (
    Case,
    CheckinRecord,
    ExerciseSession,
    GroupDialogue,
    GroupMembership,
    GroupReflection,
    Handover,
    Lifeline,
    Message,
    Person,
    SafetyCheck,
    utcnow,
)
from bot.storage.tracker_events import TrackerEvents
from bot.wellbeing import checkins

PERSONAL_TABLES = (Message, CheckinRecord, ExerciseSession, Lifeline, SafetyCheck, GroupMembership,
                   GroupReflection, GroupDialogue, Handover, Case)


def export(session: Session, sender: str, tracker: TrackerEvents | None) -> dict[str, Any]:
    person = session.get(Person, sender)
    return {
        "id": sender,
        "language": person.language if person else None,
        "country": person.country if person else None,
        "created_at": person.created_at.isoformat() if person else None,
        "messages": history(session, sender, limit=100_000),
        "checkins": checkins.export_json(list(session.scalars(
            select(CheckinRecord).where(CheckinRecord.person_id == sender).order_by(CheckinRecord.id)))),
        "exercises": [
            {"exercise_id": e.exercise_id, "status": e.status, "result": e.result, "feedback": e.feedback,
             "started_at": e.started_at.isoformat()}
            for e in session.scalars(select(ExerciseSession).where(ExerciseSession.person_id == sender)
                                     .order_by(ExerciseSession.id))
        ],
        "lifeline": (lambda row: {"points": row.points, "reflections": row.reflections} if row else None)(
            lifeline_of(session, sender)),
        "groups": groups.export_person(session, sender),
        "safety_questions": [
            {"asked_at": c.asked_at.isoformat(), "answer": c.answer,
             "answered_at": c.answered_at.isoformat() if c.answered_at else None}
            for c in session.scalars(select(SafetyCheck).where(SafetyCheck.person_id == sender)
                                     .order_by(SafetyCheck.id))
        ],
        "crisis_cases": [
            {"opened_at": c.opened_at.isoformat(), "status": c.status, "severity": c.severity,
             "consent_transcript": c.consent_transcript, "consent_contact": c.consent_contact,
             "closed_at": c.closed_at.isoformat() if c.closed_at else None,
             "messages_that_raised_it": [t.text for t in c.triggers]}
            for c in session.scalars(select(Case).where(Case.person_id == sender).order_by(Case.id))
        ],
        # The dialogue engine keeps its own record of the conversation; it is yours too.
        "dialogue_engine_events": tracker.export(sender) if tracker else [],
    }


def erase(session: Session, sender: str, tracker: TrackerEvents | None) -> dict[str, Any]:
    """Everything goes, the engine's tracker included, except a crisis case that is still open: the
    organisation's duty of care outlives the chat history, so that case keeps the messages that raised
    it and the id, and the answer says so. Consent to read the transcript ends here."""
    removed_messages = session.execute(delete(Message).where(Message.person_id == sender)).rowcount or 0
    removed_checkins = checkins.delete_all(session, sender)
    session.execute(delete(ExerciseSession).where(ExerciseSession.person_id == sender))
    session.execute(delete(Lifeline).where(Lifeline.person_id == sender))
    session.execute(delete(SafetyCheck).where(SafetyCheck.person_id == sender))
    left = groups.forget_person(session, sender)  # shared reflections are withdrawn, not orphaned
    open_cases = list(session.scalars(select(Case).where(Case.person_id == sender, Case.status != "closed")))
    for case in open_cases:
        case.consent_transcript = False
    if open_cases:
        # Memberships were left by forget_person; the nickname is not needed for the safety record.
        session.execute(delete(GroupMembership).where(GroupMembership.person_id == sender))
        session.execute(delete(Case).where(Case.person_id == sender, Case.status == "closed"))
    else:
        session.execute(delete(Person).where(Person.id == sender))  # cascades to what is left
    session.flush()
    return {"deleted_messages": removed_messages, "deleted_checkins": removed_checkins,
            "groups_left": left["groups_left"], "deleted_group_reflections": left["reflections_deleted"],
            "deleted_dialogue_engine_events": tracker.delete(sender) if tracker else 0,
            "id_kept_for_a_crisis_case": bool(open_cases)}


def data_left(session: Session, sender: str, tracker: TrackerEvents | None) -> dict[str, int]:
    """Rows that still name this id, per table (what a data-protection officer checks after deletion)."""
    counts = {"persons": session.scalar(select(func.count()).select_from(Person).where(Person.id == sender)) or 0}
    for model in PERSONAL_TABLES:
        counts[model.__tablename__] = session.scalar(
            select(func.count()).select_from(model).where(model.person_id == sender)) or 0
    counts["dialogue_engine_events"] = tracker.count(sender) if tracker else 0
    return counts


def purge_inactive(session: Session, tracker: TrackerEvents | None, days: int,
                   now: datetime | None = None) -> dict[str, int]:
    """Erases everyone not seen for ``days`` days whose crisis cases (if any) were closed that long ago,
    and the engine's conversations that went quiet that long ago. Returns what was purged."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    still_needed = select(Case.person_id).where(or_(Case.status != "closed", Case.closed_at >= cutoff))
    stale = list(session.scalars(select(Person.id).where(Person.last_seen_at < cutoff,
                                                         Person.id.not_in(still_needed))))
    for sender in stale:
        erase(session, sender, None)  # no open case here, so the person row goes with its closed cases
    session.flush()
    return {"persons": len(stale), "dialogue_engine_conversations": tracker.purge_inactive(cutoff) if tracker else 0}
