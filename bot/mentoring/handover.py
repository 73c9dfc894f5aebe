"""A mentor in the conversation: while a mentor holds a person's conversation the bot stays silent.

- `join` / `leave` record who holds the conversation and tell the person, in their language, that a
  human joined or left (a system message with `custom.mentor_present` true/false, which the chat
  page also uses to poll for the mentor's messages).
- `bot_paused_for` is what the gateway asks before forwarding a message to the dialogue engine.
  The crisis check runs before it regardless: a crisis still gets help lines and raises the case.
- `mentor_visible_messages` is what a mentor may read of a case: the whole conversation when the
  person agreed to share it, otherwise only what was said while a mentor was present (the person
  was told a human was there). Triggering messages are always visible through the case itself.

Pausing and resuming the Rasa conversation is the caller's job (it needs the engine's HTTP API);
`join`/`leave` say whether it is due.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot import content
from bot.content import text as content_text
from bot.mentoring import escalation
from bot.safety.directory import Helpline, RecoveryCentre
from bot.storage.conversations import record_replies
from bot.storage.models import Case, Handover, Mentor, Message, Person, utcnow

MAX_MENTOR_MESSAGE_CHARS = 4000


class MessageInvalid(content.Explained, ValueError):
    """A mentor's message that cannot be sent as it is (empty or too long)."""

    where = "dashboard_ui.errors"


def active_handover(session: Session, person_id: str) -> Handover | None:
    return session.scalars(
        select(Handover).where(Handover.person_id == person_id, Handover.left_at.is_(None)).order_by(Handover.id.desc())
    ).first()


def bot_paused_for(session: Session, person_id: str) -> bool:
    return active_handover(session, person_id) is not None


def present_on_cases(session: Session, case_ids: list[int]) -> set[int]:
    """Which of these cases have a mentor in the conversation right now."""
    if not case_ids:
        return set()
    return set(session.scalars(
        select(Handover.case_id).where(Handover.case_id.in_(case_ids), Handover.left_at.is_(None))))


def _language(session: Session, case: Case) -> str:
    person = session.get(Person, case.person_id)
    return (person.language if person else None) or case.language or "en"


def _system_message(session: Session, case: Case, key: str, present: bool) -> Message:
    language = _language(session, case)
    [message] = record_replies(
        session, case.person_id,
        [{"text": content_text(language, f"dashboard.{key}"), "custom": {"mentor_present": present}}],
        language, role="system",
    )
    return message


def join(session: Session, case: Case, mentor: Mentor) -> tuple[Handover, bool]:
    """Put the mentor in the conversation. Returns (handover, joined_now): when joined_now the person
    was just told, and the caller pauses the dialogue engine."""
    current = active_handover(session, case.person_id)
    if current is not None and current.case_id == case.id and current.mentor == mentor.email:
        return current, False
    if current is not None:
        raise escalation.CaseConflict("mentor_elsewhere")
    message = _system_message(session, case, "mentor_joined", True)
    handover = Handover(person_id=case.person_id, case_id=case.id, mentor_id=mentor.id, mentor=mentor.email,
                        joined_message_id=message.id)
    session.add(handover)
    session.flush()
    escalation.log_event(session, case, mentor.email, "mentor_joined", {})
    return handover, True


def leave(session: Session, case: Case, actor: str) -> Handover | None:
    """Hand the conversation back to the bot. Returns the ended handover, or None if nobody was in it
    (then there is nothing to resume)."""
    current = active_handover(session, case.person_id)
    if current is None or current.case_id != case.id:
        return None
    message = _system_message(session, case, "mentor_left", False)
    current.left_at, current.left_message_id = utcnow(), message.id
    escalation.log_event(session, case, actor, "mentor_left", {})
    return current


def send_message(session: Session, case: Case, mentor: Mentor, text: str,
                 custom: dict[str, Any] | None = None) -> tuple[Message, bool]:
    """The mentor writes to the person; joins the conversation first if needed.
    Returns (message, joined_now)."""
    text = (text or "").strip()
    if not text:
        raise MessageInvalid("message_empty")
    if len(text) > MAX_MENTOR_MESSAGE_CHARS:
        raise MessageInvalid("message_long", max=MAX_MENTOR_MESSAGE_CHARS)
    _, joined_now = join(session, case, mentor)
    [message] = record_replies(
        session, case.person_id, [{"text": text, "custom": {"role": "mentor", **(custom or {})}}],
        _language(session, case), role="mentor",
    )
    escalation.log_event(session, case, mentor.email, "mentor_message", {"message_id": message.id, **(custom or {})})
    case.updated_at = utcnow()
    return message, joined_now


def entry_text(entry: Helpline | RecoveryCentre, language: str) -> str:
    """A help line or recovery centre written out for the person, in their language."""
    t = lambda key, **fill: content_text(language, f"dashboard.{key}", **fill)  # noqa: E731
    lines = [t("entry_intro"), entry.name(language)]
    if isinstance(entry, Helpline):
        lines.append(entry.description_in(language))
        lines.append(t("entry_phone", phone=entry.phone))
        if entry.alt_phone:
            lines.append(t("entry_alt_phone", phone=entry.alt_phone))
        if entry.hours_in(language):
            lines.append(t("entry_hours", hours=entry.hours_in(language)))
        if entry.chat_url:
            lines.append(t("entry_chat", url=entry.chat_url))
        if entry.web and entry.web != entry.chat_url:
            lines.append(t("entry_web", url=entry.web))
    else:
        lines.append(entry.offers_in(language))
        lines.append(t("entry_place", place=", ".join(p for p in (entry.city, entry.region) if p)))
        if entry.phone:
            lines.append(t("entry_phone", phone=entry.phone))
        if entry.hours_in(language):
            lines.append(t("entry_hours", hours=entry.hours_in(language)))
        if entry.web:
            lines.append(t("entry_web", url=entry.web))
    return "\n".join(line for line in lines if line)


def send_entry(session: Session, case: Case, mentor: Mentor, entry: Helpline | RecoveryCentre) -> tuple[Message, bool]:
    kind = "helpline" if isinstance(entry, Helpline) else "recovery_centre"
    return send_message(session, case, mentor, entry_text(entry, _language(session, case)),
                        custom={"directory_entry": {"kind": kind, "id": entry.id}})


def handovers_of(session: Session, case: Case) -> list[Handover]:
    return list(session.scalars(select(Handover).where(Handover.case_id == case.id).order_by(Handover.id)))


def mentor_visible_messages(session: Session, case: Case, after_id: int = 0) -> list[Message]:
    """The consented transcript, or else only what was said while a mentor was in the conversation."""
    if case.consent_transcript:
        return [m for m in escalation.consented_transcript(session, case) if m.id > after_id]
    windows = []
    for handover in handovers_of(session, case):
        start = handover.joined_message_id or 0
        if handover.left_message_id is None:
            windows.append(Message.id >= start)
        else:
            windows.append((Message.id >= start) & (Message.id <= handover.left_message_id))
    if not windows:
        return []
    return list(session.scalars(
        select(Message).where(Message.person_id == case.person_id, Message.id > after_id, or_(*windows))
        .order_by(Message.id)))


def end_for_closed_case(session: Session, case: Case, actor: str) -> Handover | None:
    """Closing a case hands the conversation back first."""
    return leave(session, case, actor)
