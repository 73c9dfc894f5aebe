"""Recording what was said: persons and their messages, in the order they happened."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Message, Person, utcnow

PAYLOAD_KEYS = ("buttons", "image", "custom")


def touch_person(session: Session, person_id: str, language: str, country: str | None) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        person = Person(id=person_id, language=language, country=country)
        session.add(person)
    else:
        person.language = language
        if country:
            person.country = country
        person.last_seen_at = utcnow()
    session.flush()
    return person


def record_user_message(session: Session, person: Person, text: str, language: str) -> Message:
    last = session.scalars(
        select(Message).where(Message.person_id == person.id).order_by(Message.id.desc()).limit(1)
    ).first()
    if last is not None and last.role == "user" and last.status == "engine_unavailable" and last.text == text:
        # A retry after "the engine is down": the message is already stored, keep one copy.
        last.status = "received"
        return last
    message = Message(person_id=person.id, role="user", text=text, language=language, status="received")
    session.add(message)
    session.flush()
    return message


def record_replies(
    session: Session, person_id: str, replies: Iterable[dict[str, Any]], language: str, role: str = "bot"
) -> list[Message]:
    stored = []
    for reply in replies:
        payload = {key: reply[key] for key in PAYLOAD_KEYS if reply.get(key) is not None}
        message = Message(
            person_id=person_id, role=role, text=reply.get("text"), payload=payload,
            language=language, status="sent",
        )
        session.add(message)
        stored.append(message)
    session.flush()
    return stored


def history(session: Session, person_id: str, limit: int = 500) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Message).where(Message.person_id == person_id).order_by(Message.id.desc()).limit(limit)
    ).all()
    return [message_view(row) for row in reversed(rows)]


def message_view(message: Message) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": message.id,
        "role": message.role,
        "text": message.text,
        "status": message.status,
        "at": message.created_at.isoformat() if message.created_at else None,
    }
    view.update(message.payload or {})
    return view


def recent_user_texts(session: Session, person_id: str, before_id: int, limit: int = 5,
                      within: timedelta = timedelta(hours=12)) -> list[str]:
    """The person's last few messages before this one, oldest first: context for the crisis check.
    Bounded in time so an old conversation does not colour a new one."""
    since = utcnow() - within
    rows = session.scalars(
        select(Message.text)
        .where(Message.person_id == person_id, Message.role == "user", Message.id < before_id,
               Message.created_at >= since)
        .order_by(Message.id.desc()).limit(limit)
    ).all()
    return [text for text in reversed(rows) if text]
