"""Care for the mentors: a short private debrief after heavy cases (admins see counts only) and
each mentor's own recent load."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.crisis import SEVERITIES, severity_rank
from bot.mentoring.caseload import held_cases
from bot.mentoring.errors import AccountError
from bot.storage.models import (
    Case,
    CaseEvent,
    Handover,
    Mentor,
    MentorDebrief,
    aware,
    utcnow,
)

# After closing a case of these severities the dashboard offers a short private debrief.
DEBRIEF_SEVERITIES = ("imminent", "high")
FEELINGS = ("steady", "tired", "shaken", "heavy", "numb", "rather_not_say")


def needs_debrief(case: Case) -> bool:
    return case.status == "closed" and case.severity in DEBRIEF_SEVERITIES


def save_debrief(
    session: Session, mentor: Mentor, case: Case, *, feeling: str | None, wants_colleague: bool, note: str,
    skipped: bool = False,
) -> MentorDebrief:
    if feeling is not None and feeling not in FEELINGS:
        raise AccountError("feeling_unknown")
    note = (note or "").strip()
    if len(note) > 5000:
        raise AccountError("debrief_long")
    row = MentorDebrief(
        mentor_id=mentor.id, case_id=case.id, severity=case.severity,
        status="skipped" if skipped else "written",
        feeling=None if skipped else feeling, wants_colleague=False if skipped else bool(wants_colleague),
        note=None if skipped else (note or None),
    )
    session.add(row)
    session.flush()
    return row


def has_debrief(session: Session, mentor: Mentor, case_id: int) -> bool:
    return session.scalar(select(func.count()).select_from(MentorDebrief).where(
        MentorDebrief.mentor_id == mentor.id, MentorDebrief.case_id == case_id)) > 0


def own_debriefs(session: Session, mentor: Mentor, limit: int = 20) -> list[MentorDebrief]:
    return list(session.scalars(select(MentorDebrief).where(
        MentorDebrief.mentor_id == mentor.id, MentorDebrief.status == "written",
    ).order_by(MentorDebrief.id.desc()).limit(limit)))


def debrief_counts(session: Session, days: int = 30) -> dict[str, Any]:
    """What admins see: numbers only. No feelings, notes, or who asked for a colleague."""
    since = utcnow() - timedelta(days=days)
    rows = session.execute(select(MentorDebrief.status, MentorDebrief.wants_colleague).where(
        MentorDebrief.created_at >= since)).all()
    offered = len(rows)
    return {
        "days": days,
        "offered": offered,
        "written": sum(1 for status, _ in rows if status == "written"),
        "skipped": sum(1 for status, _ in rows if status == "skipped"),
        "asked_for_colleague": sum(1 for _, wants in rows if wants),
    }


# ------------------------------------------------------------------------------------ load

def load_summary(session: Session, mentor: Mentor, now: datetime | None = None) -> dict[str, Any]:
    """A mentor's own recent load: cases held now; cases claimed and closed in the last 7 and 30
    days by severity; messages written and time spent in conversations."""
    now = now or utcnow()
    since = now - timedelta(days=30)
    events = session.execute(
        select(CaseEvent.kind, CaseEvent.created_at, Case.id, Case.severity)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.actor == mentor.email, CaseEvent.created_at >= since,
               CaseEvent.kind.in_(("claimed", "closed", "mentor_message")))
    ).all()
    windows: dict[str, dict[str, Any]] = {}
    for days in (7, 30):
        start = now - timedelta(days=days)
        recent = [e for e in events if aware(e.created_at) >= start]
        handled = {e.id: e.severity for e in recent if e.kind in ("claimed", "closed")}
        by_severity = Counter(handled.values())
        windows[str(days)] = {
            "cases": len(handled),
            "closed": len({e.id for e in recent if e.kind == "closed"}),
            "messages": sum(1 for e in recent if e.kind == "mentor_message"),
            "by_severity": {s: by_severity.get(s, 0) for s in sorted(SEVERITIES, key=severity_rank, reverse=True)},
            "heavy": sum(by_severity.get(s, 0) for s in DEBRIEF_SEVERITIES),
            "minutes_in_conversation": _minutes_in_conversation(session, mentor, start, now),
        }
    week = windows["7"]
    return {
        "held_now": len(held_cases(session, mentor)),
        "windows": windows,
        # A gentle flag, not a verdict: several heavy cases in one week is a reason to pause.
        "consider_a_pause": week["heavy"] >= 3 or week["cases"] >= 10,
    }


def _minutes_in_conversation(session: Session, mentor: Mentor, start: datetime, now: datetime) -> int:
    rows = session.execute(select(Handover.joined_at, Handover.left_at).where(
        Handover.mentor == mentor.email, (Handover.left_at.is_(None)) | (Handover.left_at >= start))).all()
    total = timedelta()
    for joined, left in rows:
        begin = max(aware(joined), start)
        end = aware(left) if left is not None else now
        if end > begin:
            total += end - begin
    return int(total.total_seconds() // 60)
