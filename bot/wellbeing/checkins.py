"""Storing check-ins per pseudonymous person: the one in progress, the completed history, export, delete."""
from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.storage.models import CheckinRecord, utcnow
from bot.wellbeing.model import DIMENSIONS, CheckIn

UNFINISHED = ("in_progress", "paused")


def unfinished(session: Session, person_id: str) -> CheckinRecord | None:
    return session.scalars(
        select(CheckinRecord)
        .where(CheckinRecord.person_id == person_id, CheckinRecord.status.in_(UNFINISHED))
        .order_by(CheckinRecord.id.desc())
    ).first()


def start(session: Session, person_id: str, language: str) -> CheckinRecord:
    record = CheckinRecord(
        public_id=uuid.uuid4().hex, person_id=person_id, language=language, status="in_progress",
        data=CheckIn(taken_at=utcnow()).to_dict(), position={},
    )
    session.add(record)
    session.flush()
    return record


def save(session: Session, record: CheckinRecord, checkin: CheckIn, position: dict[str, Any],
         status: str = "in_progress") -> CheckinRecord:
    record.data = checkin.to_dict()
    record.position = dict(position)
    record.status = status
    record.updated_at = utcnow()
    if status == "complete":
        record.completed_at = utcnow()
    session.flush()
    return record


def completed(session: Session, person_id: str) -> list[CheckinRecord]:
    """Completed check-ins, oldest first."""
    return list(session.scalars(
        select(CheckinRecord)
        .where(CheckinRecord.person_id == person_id, CheckinRecord.status == "complete")
        .order_by(CheckinRecord.completed_at, CheckinRecord.id)
    ))


def by_public_id(session: Session, public_id: str) -> CheckinRecord | None:
    return session.scalars(select(CheckinRecord).where(CheckinRecord.public_id == public_id)).first()


def as_checkin(record: CheckinRecord) -> CheckIn:
    return CheckIn.from_dict(record.data)


def delete_all(session: Session, person_id: str) -> int:
    result = session.execute(delete(CheckinRecord).where(CheckinRecord.person_id == person_id))
    return result.rowcount or 0


def export_rows(records: list[CheckinRecord]) -> list[dict[str, Any]]:
    """One row per check-in and dimension: the shape of the CSV download."""
    rows = []
    for record in records:
        checkin = as_checkin(record)
        for dimension in DIMENSIONS:
            answer = checkin.answer(dimension)
            rows.append({
                "checkin_id": record.public_id,
                "completed_at": record.completed_at.isoformat() if record.completed_at else "",
                "dimension": dimension,
                "investment": "" if answer is None or answer.investment is None else answer.investment,
                "fulfilment": "" if answer is None or answer.fulfilment is None else answer.fulfilment,
                "values": "" if answer is None else ";".join(answer.values),
                "other_value": (answer.other_value if answer else None) or "",
                "reflection": (answer.reflection if answer else None) or "",
            })
    return rows


def export_csv(records: list[CheckinRecord]) -> str:
    buffer = io.StringIO()
    fields = ["checkin_id", "completed_at", "dimension", "investment", "fulfilment", "values", "other_value",
              "reflection"]
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    writer.writerows(export_rows(records))
    return buffer.getvalue()


def export_json(records: list[CheckinRecord]) -> list[dict[str, Any]]:
    return [
        {"id": r.public_id, "status": r.status, "language": r.language,
         "completed_at": r.completed_at.isoformat() if r.completed_at else None, **r.data}
        for r in records
    ]
