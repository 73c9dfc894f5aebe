"""The mentor side's JSON API over escalation cases, for tools a counselling service already uses.

Each mentor has their own bearer token (``python -m api.cli api-token --email ...``; stored hashed), so
every call acts as that account under the dashboard's rules (bot/mentoring/casework.py): only the holder notes,
releases or closes; the caseload cap holds; closed cases are for their holder and admins; every read and
action is in the audit log and the case's own history.
"""
from __future__ import annotations

import logging
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.deps import database
from api.rasa_client import EngineUnavailable
from api.schemas import NOT_BLANK, RowId, error_responses
from bot.mentoring import accounts, audit, caseload, casework, errors, escalation
from bot.storage.conversations import message_view
from bot.storage.models import Case, Mentor

log = logging.getLogger(__name__)
_bearer = HTTPBearer(auto_error=False)


def api_mentor(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> int:
    """The id of the active mentor account whose token this is; 401 otherwise."""
    token = credentials.credentials if credentials else ""
    with database(request).session() as session:
        mentor = accounts.mentor_for_api_token(session, token)
        mentor_id = mentor.id if mentor else None
    if mentor_id is None:
        raise HTTPException(status_code=401, detail="a valid mentor token is required",
                            headers={"WWW-Authenticate": "Bearer"})
    return mentor_id


router = APIRouter(prefix="/mentor/api", responses=error_responses(400, 401, 403, 404, 409, 413, 422))


class NoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=5000, pattern=NOT_BLANK)


class CloseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal[escalation.OUTCOMES]  # type: ignore[valid-type]
    note: str = Field(min_length=1, max_length=5000, pattern=NOT_BLANK)


def case_summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.id, "severity": case.severity, "status": case.status, "language": case.language,
        "country": case.country, "claimed_by": case.claimed_by, "outcome": case.outcome,
        "opened_at": case.opened_at.isoformat(), "updated_at": case.updated_at.isoformat(),
        "consent_transcript": case.consent_transcript, "consent_contact": case.consent_contact,
    }


def _run(request: Request, mentor_id: int, work):
    """Runs ``work(session, mentor)`` in one transaction and turns the rules' refusals into HTTP answers."""
    address = request.client.host if request.client else None

    def inner():
        with database(request).session() as session:
            mentor = session.get(Mentor, mentor_id)
            try:
                return work(session, mentor, address)
            except casework.Refused as refused:
                raise HTTPException(status_code=refused.status_code, detail=refused.message) from None
            except errors.CaseloadFull as full:
                raise HTTPException(status_code=409, detail=str(full)) from None
            except escalation.CaseConflict as error:
                raise HTTPException(status_code=409, detail=str(error)) from error

    return run_in_threadpool(inner)


@router.get("/cases")
async def list_cases(request: Request, mentor_id: int = Depends(api_mentor)) -> dict[str, Any]:
    def work(session, mentor, address):
        audit.record(session, mentor, "queue_viewed_api", address=address)
        return {"cases": [case_summary(c) for c in escalation.list_open_cases(session)]}

    return await _run(request, mentor_id, work)


@router.get("/cases/{case_id}")
async def read_case(case_id: RowId, request: Request, mentor_id: int = Depends(api_mentor)) -> dict[str, Any]:
    def work(session, mentor, address):
        case = casework.load_case(session, case_id)
        if case.status == "closed" and case.claimed_by != mentor.email and mentor.role != "admin":
            raise casework.Refused("no_such_case", 404)  # closed cases: holder and admins only
        escalation.log_event(session, case, mentor.email, "viewed", {})
        audit.record(session, mentor, "case_viewed", case_id=case_id, detail={"via": "api"}, address=address)
        session.expire(case, ["events"])  # the audit entry of this very read shows up too
        detail = case_summary(case)
        detail["helplines_shown"] = case.helplines_shown
        detail["triggers"] = [
            {"text": t.text, "severity": t.severity, "signals": t.signals, "source": t.source,
             "message_id": t.message_id, "at": t.created_at.isoformat()} for t in case.triggers
        ]
        detail["transcript"] = [message_view(m) for m in escalation.consented_transcript(session, case)]
        detail["events"] = [
            {"actor": e.actor, "kind": e.kind, "detail": e.detail, "at": e.created_at.isoformat()}
            for e in case.events
        ]
        return detail

    return await _run(request, mentor_id, work)


@router.post("/cases/{case_id}/claim")
async def claim_case(case_id: RowId, request: Request, mentor_id: int = Depends(api_mentor)) -> dict[str, Any]:
    config = request.app.state.dashboard  # the DashboardConfig (api/dashboard)
    return await _run(request, mentor_id, lambda s, m, a: case_summary(
        casework.claim(s, case_id, m, caseload.caseload_cap(s, config), a)))


@router.post("/cases/{case_id}/release")
async def release_case(case_id: RowId, request: Request, mentor_id: int = Depends(api_mentor)) -> dict[str, Any]:
    def work(session, mentor, address):
        resumed = casework.release(session, case_id, mentor, address)
        return case_summary(casework.load_case(session, case_id)), resumed

    summary, resumed = await _run(request, mentor_id, work)
    if resumed:
        await _tell_engine(request, resumed, [{"event": "resume"}], case_id)
    return summary


@router.post("/cases/{case_id}/notes")
async def add_note(case_id: RowId, body: NoteBody, request: Request,
                   mentor_id: int = Depends(api_mentor)) -> dict[str, Any]:
    return await _run(request, mentor_id, lambda s, m, a: case_summary(casework.add_note(s, case_id, m, body.text, a)))


@router.post("/cases/{case_id}/close")
async def close_case(case_id: RowId, body: CloseBody, request: Request,
                     mentor_id: int = Depends(api_mentor)) -> dict[str, Any]:
    def work(session, mentor, address):
        closed = casework.close(session, case_id, mentor, body.outcome, body.note, address)
        return case_summary(casework.load_case(session, case_id)), closed

    summary, closed = await _run(request, mentor_id, work)
    if closed.resume_engine:
        await _tell_engine(request, closed.person_id, [{"event": "resume"}], case_id)
    # A closed case ends the dialogue's crisis flow; if Rasa is down the next crisis check still holds.
    await _tell_engine(request, closed.person_id, [
        {"event": "active_loop", "name": None},
        {"event": "slot", "name": "requested_slot", "value": None},
        {"event": "slot", "name": "crisis_safe", "value": None},
    ], case_id)
    return summary


async def _tell_engine(request: Request, person_id: str, events: list[dict[str, Any]], case_id: int) -> None:
    try:
        await request.app.state.rasa.append_events(person_id, events)
    except EngineUnavailable as error:
        log.warning("could not update the dialogue engine for case %s: %s", case_id, error)
