"""How many open cases one mentor may hold: a cap the admins set (a claim above it is refused, and
the mentor is told why), and claiming a case."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.config import DashboardConfig
from bot.mentoring import escalation
from bot.mentoring.errors import AccountError, CaseloadFull
from bot.storage.models import (
    Case,
    DashboardSetting,
    Mentor,
    utcnow,
)


# The dashboard's settings table; the caseload cap is its one setting so far.
def get_setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(DashboardSetting, key)
    return row.value.get("value", default) if row is not None else default


def set_setting(session: Session, key: str, value: Any, actor: str) -> None:
    row = session.get(DashboardSetting, key)
    if row is None:
        session.add(DashboardSetting(key=key, value={"value": value}, updated_by=actor))
    else:
        row.value, row.updated_by, row.updated_at = {"value": value}, actor, utcnow()
    session.flush()


def caseload_cap(session: Session, config: DashboardConfig) -> int:
    value = get_setting(session, "caseload_cap", config.default_caseload_cap)
    return int(value) if isinstance(value, int) and value > 0 else config.default_caseload_cap


def set_caseload_cap(session: Session, cap: int, actor: str) -> None:
    if not isinstance(cap, int) or not 1 <= cap <= 50:
        raise AccountError("caseload_cap_range")
    set_setting(session, "caseload_cap", cap, actor)


def held_cases(session: Session, mentor: Mentor) -> list[Case]:
    return list(session.scalars(
        select(Case).where(Case.status == "claimed", Case.claimed_by == mentor.email).order_by(Case.id)))


def claim_case(session: Session, case_id: int, mentor: Mentor, cap: int) -> Case:
    """One mentor at a time, never above the cap. The update is conditional, so two mentors
    pressing "claim" at the same moment cannot both get the case."""
    case = escalation.get_case(session, case_id)
    if case.status == "closed":
        raise escalation.CaseConflict("case_already_closed")
    if case.status == "claimed" and case.claimed_by == mentor.email:
        return case
    if case.status == "claimed":
        raise escalation.CaseConflict("someone_else_holds")
    held = len(held_cases(session, mentor))
    if held >= cap:
        raise CaseloadFull(held, cap)
    now = utcnow()
    result = session.execute(
        update(Case).where(Case.id == case_id, Case.status == "open")
        .values(status="claimed", claimed_by=mentor.email, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise escalation.CaseConflict("claimed_a_moment_ago")
    session.refresh(case)
    escalation.log_event(session, case, mentor.email, "claimed", {})
    return case


def may_act_on(case: Case, mentor: Mentor) -> bool:
    """Notes, messages and closing belong to whoever holds the case; an unclaimed case takes notes
    from anyone."""
    return case.status == "claimed" and case.claimed_by == mentor.email
