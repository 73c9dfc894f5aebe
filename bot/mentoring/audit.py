"""The audit log: append-only, who did what and when."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import (
    AuditEntry,
    Mentor,
)


def record(
    session: Session, actor: Mentor | str | None, action: str, *, case_id: int | None = None,
    detail: dict[str, Any] | None = None, address: str | None = None,
) -> AuditEntry:
    if isinstance(actor, Mentor):
        actor_id, actor_name = actor.id, actor.email
    else:
        actor_id, actor_name = None, actor or "anonymous"
    entry = AuditEntry(actor_id=actor_id, actor=actor_name, action=action, case_id=case_id,
                       detail=detail or {}, address=(address or None) and address[:64])
    session.add(entry)
    session.flush()
    return entry


def entries(
    session: Session, *, case_id: int | None = None, actor: str | None = None, action: str | None = None,
    limit: int = 100, before_id: int | None = None,
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if case_id is not None:
        query = query.where(AuditEntry.case_id == case_id)
    if actor:
        query = query.where(AuditEntry.actor == actor.strip().lower())
    if action:
        query = query.where(AuditEntry.action == action)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.scalars(query))
