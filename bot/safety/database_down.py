"""What the gateway answers, and keeps, while the database cannot be reached.

A crisis never waits for storage: the detector runs in memory and the help lines come from the
content files, so a person in danger gets them at once. The safety question cannot wait for its
answer without storage, so in this state an uncertain message gets the help lines too (a needless
help line costs less than a missed crisis). Everything else gets a kind "not now, your message is
kept". What was said and answered goes to the spool (:mod:`bot.storage.spool`) and is written back
with :func:`write_spooled`: the messages in order, with their own times, and a case for the mentors
for every crisis, as if the database had been there.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import text as content_text
from bot.crisis import detect
from bot.safety.dialogue import record_case
from bot.safety.reply import crisis_reply
from bot.storage.conversations import record_replies, record_user_message, touch_person
from bot.storage.models import Message, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    replies: list[dict[str, Any]]
    crisis: bool
    severity: str | None
    signals: tuple[str, ...]


def answer(text: str, language: str, country: str | None) -> Answer:
    assessment = detect(text, language)
    if assessment.crisis or assessment.ask:
        severity = assessment.severity or "concern"
        signals = tuple(assessment.signals)
        return Answer(crisis_reply(severity, signals, language, country, first_time=True), True, severity, signals)
    return Answer([{"text": content_text(language, "gateway.database_unavailable")}], False, None, ())


def spool_entry(sender: str, text: str, language: str, country: str | None, reply: Answer) -> dict[str, Any]:
    return {"sender": sender, "text": text, "language": language, "country": country,
            "received_at": utcnow().isoformat(), "replies": reply.replies,
            "crisis": reply.crisis, "severity": reply.severity, "signals": list(reply.signals)}


def write_spooled(session: Session, entries: Sequence[dict[str, Any]]) -> None:
    """Store spooled turns (one transaction: the caller's session). A message the person sent again
    once the database was back (after "your message is kept") is kept once."""
    for entry in entries:
        received = datetime.fromisoformat(entry["received_at"])
        person = touch_person(session, entry["sender"], entry["language"], entry.get("country"))
        if not entry["crisis"] and _sent_again(session, person.id, entry["text"], received):
            continue
        message = record_user_message(session, person, entry["text"], entry["language"])
        message.created_at = received
        message.status = "spooled"   # answered by the gateway alone, stored later
        if entry["crisis"]:
            record_case(session, person, severity=entry["severity"], signals=entry["signals"], text=entry["text"],
                        message_id=message.id, source="gateway_spool", replies=entry["replies"])
        replies = record_replies(session, entry["sender"], entry["replies"], entry["language"])
        for reply in replies:
            reply.created_at = received


def _sent_again(session: Session, person_id: str, text: str, since: datetime) -> bool:
    return session.scalars(select(Message.id).where(
        Message.person_id == person_id, Message.role == "user", Message.text == text,
        Message.created_at >= since).limit(1)).first() is not None
