"""What a mentor does to a case, with the same rules whichever door they use (the dashboard's pages or
the JSON API under /mentor/api): who may act, the caseload cap, the hand-over, the pending crisis flag
and the audit log. The doors only translate a refusal into their own answer and tell the dialogue
engine what changed."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot import content
from bot.mentoring import audit, care, caseload, errors, escalation, handover
from bot.storage.models import Case, Mentor, Person


class Refused(content.Explained, Exception):
    """An action the rules do not allow, shown to the mentor in their language (`text(lang)`;
    ``message`` is the English words, for the JSON API)."""

    where = "dashboard_ui.errors"

    def __init__(self, key: str, status_code: int = 409, **fill) -> None:
        super().__init__(key, **fill)
        self.status_code = status_code

    @property
    def message(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class Closed:
    person_id: str
    resume_engine: bool  # a mentor held the conversation: the engine was paused and must resume
    needs_debrief: bool


def load_case(session: Session, case_id: int) -> Case:
    try:
        return escalation.get_case(session, case_id)
    except escalation.CaseNotFound:
        raise Refused("no_such_case", 404) from None


def holder_only(case: Case, mentor: Mentor, action: str) -> None:
    """`action` names what the mentor tried (write, send_entry, hand_back, close) for the refusal."""
    if case.status == "closed":
        raise Refused("case_closed")
    if not caseload.may_act_on(case, mentor):
        if case.status == "claimed":
            raise Refused(f"held_by_other.{action}", 403)
        raise Refused(f"claim_first.{action}")


def claim(session: Session, case_id: int, mentor: Mentor, cap: int, address: str | None) -> Case:
    load_case(session, case_id)
    try:
        case = caseload.claim_case(session, case_id, mentor, cap)
    except errors.CaseloadFull as full:
        audit.record(session, mentor, "claim_refused_caseload", case_id=case_id,
                      detail={"held": full.held, "cap": full.cap}, address=address)
        session.commit()  # the refusal is on record even though the action failed
        raise
    audit.record(session, mentor, "case_claimed", case_id=case_id, address=address)
    return case


def release(session: Session, case_id: int, mentor: Mentor, address: str | None) -> str | None:
    """The holder gives the case back (an admin may, for a colleague who is away). Returns the person's
    id when a hand-over ended, so the door resumes the engine."""
    case = load_case(session, case_id)
    if case.status != "claimed":
        raise Refused("nobody_holds")
    holder = case.claimed_by
    on_behalf = holder != mentor.email
    if on_behalf and mentor.role != "admin":
        raise Refused("only_holder_releases", 403)
    ended = handover.leave(session, case, mentor.email) is not None
    escalation.release(session, case_id, holder)
    audit.record(session, mentor, "case_released", case_id=case_id,
                  detail={"on_behalf_of": holder} if on_behalf else {}, address=address)
    return case.person_id if ended else None


def add_note(session: Session, case_id: int, mentor: Mentor, text: str, address: str | None) -> Case:
    case = load_case(session, case_id)
    if case.status == "claimed" and case.claimed_by != mentor.email:
        raise Refused("held_by_other.note", 403)
    if not text.strip():
        raise Refused("note_empty", 422)
    escalation.add_note(session, case_id, mentor.email, text)
    audit.record(session, mentor, "note_added", case_id=case_id, address=address)
    return case


def close(session: Session, case_id: int, mentor: Mentor, outcome: str, note: str, address: str | None) -> Closed:
    """Only the holder closes; closing ends the hand-over (the bot speaks again) and clears the pending
    crisis flag, so a later crisis opens a new case that any mentor can take."""
    case = load_case(session, case_id)
    holder_only(case, mentor, "close")
    if outcome not in escalation.OUTCOMES:
        raise Refused("outcome_missing", 422)
    if not note.strip():
        raise Refused("closing_note_missing", 422)
    ended = handover.end_for_closed_case(session, case, mentor.email)
    escalation.close(session, case_id, mentor.email, outcome, note)
    person = session.get(Person, case.person_id)
    if person is not None:
        person.dialogue_crisis_pending = False
    audit.record(session, mentor, "case_closed", case_id=case_id, detail={"outcome": outcome}, address=address)
    return Closed(case.person_id, ended is not None, care.needs_debrief(case))
