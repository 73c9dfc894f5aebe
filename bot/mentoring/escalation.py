"""Escalation cases: one open case per person, severity only rises, every change leaves an event.

Mentors always see the triggering messages; the rest of the conversation only when the person
agreed to share it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot import content
from bot.crisis import SEVERITIES, severity_rank
from bot.storage.models import Case, CaseEvent, CaseTrigger, Message, Person, utcnow

OPEN_STATUSES = ("open", "claimed")
OUTCOMES = ("reached_safe", "referred", "emergency_services", "no_response", "other")


class CaseNotFound(LookupError):
    pass


class CaseConflict(content.Explained, RuntimeError):
    """The action does not fit the case's state (closed, or held by someone else)."""

    where = "dashboard_ui.errors"


@dataclass(frozen=True)
class CrisisRecord:
    case: Case
    opened: bool  # a new case: notify someone
    raised: bool  # severity went up on an existing case


def open_case_for(session: Session, person_id: str) -> Case | None:
    return session.scalars(
        select(Case).where(Case.person_id == person_id, Case.status.in_(OPEN_STATUSES)).order_by(Case.id.desc())
    ).first()


def record_crisis(
    session: Session,
    person: Person,
    *,
    severity: str,
    signals: Sequence[str],
    text: str,
    message_id: int | None,
    source: str,
    helplines_shown: Sequence[dict[str, Any]] = (),
) -> CrisisRecord:
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    case = open_case_for(session, person.id)
    opened = raised = False
    if case is None:
        case = Case(
            person_id=person.id, severity=severity, status="open",
            language=person.language, country=person.country,
        )
        session.add(case)
        session.flush()
        _event(session, case, "system", "opened", {"severity": severity, "source": source})
        opened = True
    elif severity_rank(severity) > severity_rank(case.severity):
        _event(session, case, "system", "raised", {"from": case.severity, "to": severity})
        case.severity = severity
        raised = True
    if helplines_shown:
        known = {entry.get("id") for entry in case.helplines_shown or []}
        case.helplines_shown = list(case.helplines_shown or []) + [
            entry for entry in helplines_shown if entry.get("id") not in known
        ]
    case.country = person.country or case.country
    case.updated_at = utcnow()
    session.add(CaseTrigger(
        case_id=case.id, message_id=message_id, text=text, severity=severity,
        signals=list(signals), source=source,
    ))
    session.flush()
    return CrisisRecord(case=case, opened=opened, raised=raised)


def set_consent(
    session: Session, person_id: str, *, transcript: bool | None = None, contact: bool | None = None
) -> Case | None:
    case = open_case_for(session, person_id)
    if case is None:
        return None
    if transcript is not None:
        case.consent_transcript = transcript
    if contact is not None:
        case.consent_contact = contact
    _event(session, case, "person", "consent", {"transcript": transcript, "contact": contact})
    case.updated_at = utcnow()
    return case


def list_open_cases(session: Session) -> list[Case]:
    cases = session.scalars(select(Case).where(Case.status.in_(OPEN_STATUSES))).all()
    # Most severe first; among equals, whoever has waited longest.
    return sorted(cases, key=lambda case: (-severity_rank(case.severity), case.opened_at))


def get_case(session: Session, case_id: int) -> Case:
    case = session.scalars(
        select(Case).where(Case.id == case_id).options(selectinload(Case.triggers), selectinload(Case.events))
    ).first()
    if case is None:
        raise CaseNotFound(case_id)
    return case


def consented_transcript(session: Session, case: Case) -> list[Message]:
    """What the person agreed to show: their conversation up to the case's close, never what they say
    afterwards (a later, unrelated chat is not part of this case)."""
    if not case.consent_transcript:
        return []
    query = select(Message).where(Message.person_id == case.person_id)
    if case.closed_at is not None:
        query = query.where(Message.created_at <= case.closed_at)
    return list(session.scalars(query.order_by(Message.id)))


def claim(session: Session, case_id: int, mentor: str) -> Case:
    case = get_case(session, case_id)
    if case.status == "closed":
        raise CaseConflict("case_closed")
    if case.status == "claimed" and case.claimed_by != mentor:
        raise CaseConflict("case_held_by", holder=case.claimed_by)
    case.status, case.claimed_by, case.updated_at = "claimed", mentor, utcnow()
    _event(session, case, mentor, "claimed", {})
    return case


def release(session: Session, case_id: int, mentor: str) -> Case:
    case = get_case(session, case_id)
    if case.status != "claimed" or case.claimed_by != mentor:
        raise CaseConflict("only_holder_releases")
    case.status, case.claimed_by, case.updated_at = "open", None, utcnow()
    _event(session, case, mentor, "released", {})
    return case


def add_note(session: Session, case_id: int, mentor: str, note: str) -> Case:
    case = get_case(session, case_id)
    note = note.strip()
    if not note:
        raise ValueError("a note needs text")
    _event(session, case, mentor, "note", {"text": note})
    case.updated_at = utcnow()
    return case


def close(session: Session, case_id: int, mentor: str, outcome: str, note: str = "") -> Case:
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}")
    case = get_case(session, case_id)
    if case.status == "closed":
        raise CaseConflict("case_already_closed")
    case.status, case.outcome, case.closed_at, case.updated_at = "closed", outcome, utcnow(), utcnow()
    _event(session, case, mentor, "closed", {"outcome": outcome, "note": note.strip()})
    return case


def log_event(session: Session, case: Case, actor: str, kind: str, detail: dict[str, Any]) -> None:
    _event(session, case, actor, kind, detail)


def _event(session: Session, case: Case, actor: str, kind: str, detail: dict[str, Any]) -> None:
    session.add(CaseEvent(case_id=case.id, actor=actor, kind=kind, detail=detail))
    session.flush()
