"""The mentor side's JSON API over escalation cases, behind a bearer token from configuration.

Every read of a case and every action on it is written to the case's event log.
"""
from __future__ import annotations

import logging
import secrets
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.rasa_client import EngineUnavailable
from bot import escalation
from bot.conversations import message_view
from bot.storage.models import Case

log = logging.getLogger(__name__)
_bearer = HTTPBearer(auto_error=False)


def require_token(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> None:
    expected = request.app.state.settings.mentor_api_token
    given = credentials.credentials if credentials else ""
    if not expected or not given or not secrets.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(status_code=401, detail="a valid mentor token is required",
                            headers={"WWW-Authenticate": "Bearer"})


router = APIRouter(prefix="/mentor/api", dependencies=[Depends(require_token)])


class MentorAction(BaseModel):
    mentor: str = Field(min_length=1, max_length=255)


class NoteBody(MentorAction):
    text: str = Field(min_length=1, max_length=5000)


class CloseBody(MentorAction):
    outcome: str
    note: str = Field(default="", max_length=5000)


def case_summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.id, "severity": case.severity, "status": case.status, "language": case.language,
        "country": case.country, "claimed_by": case.claimed_by, "outcome": case.outcome,
        "opened_at": case.opened_at.isoformat(), "updated_at": case.updated_at.isoformat(),
        "consent_transcript": case.consent_transcript, "consent_contact": case.consent_contact,
    }


def _run(request: Request, work):
    def inner():
        with request.app.state.db.session() as session:
            try:
                return work(session)
            except escalation.CaseNotFound:
                raise HTTPException(status_code=404, detail="no such case") from None
            except escalation.CaseConflict as error:
                raise HTTPException(status_code=409, detail=str(error)) from error
            except ValueError as error:
                raise HTTPException(status_code=422, detail=str(error)) from error

    return run_in_threadpool(inner)


@router.get("/cases")
async def list_cases(request: Request) -> dict[str, Any]:
    return await _run(request, lambda s: {"cases": [case_summary(c) for c in escalation.list_open_cases(s)]})


@router.get("/cases/{case_id}")
async def read_case(case_id: int, request: Request, mentor: str = "unknown") -> dict[str, Any]:
    def work(session):
        case = escalation.get_case(session, case_id)
        escalation.log_event(session, case, mentor, "viewed", {})
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

    return await _run(request, work)


@router.post("/cases/{case_id}/claim")
async def claim_case(case_id: int, body: MentorAction, request: Request) -> dict[str, Any]:
    return await _run(request, lambda s: case_summary(escalation.claim(s, case_id, body.mentor)))


@router.post("/cases/{case_id}/release")
async def release_case(case_id: int, body: MentorAction, request: Request) -> dict[str, Any]:
    return await _run(request, lambda s: case_summary(escalation.release(s, case_id, body.mentor)))


@router.post("/cases/{case_id}/notes")
async def add_note(case_id: int, body: NoteBody, request: Request) -> dict[str, Any]:
    return await _run(request, lambda s: case_summary(escalation.add_note(s, case_id, body.mentor, body.text)))


@router.post("/cases/{case_id}/close")
async def close_case(case_id: int, body: CloseBody, request: Request) -> dict[str, Any]:
    summary = await _run(
        request, lambda s: {**case_summary(c := escalation.close(s, case_id, body.mentor, body.outcome, body.note)),
                            "person_id": c.person_id}
    )
    person_id = summary.pop("person_id")
    # A closed case ends the dialogue's crisis flow; if Rasa is down the next crisis check still holds.
    try:
        await request.app.state.rasa.append_events(person_id, [
            {"event": "active_loop", "name": None},
            {"event": "slot", "name": "requested_slot", "value": None},
            {"event": "slot", "name": "crisis_safe", "value": None},
        ])
    except EngineUnavailable as error:
        log.warning("could not end the crisis flow of case %s in the dialogue engine: %s", case_id, error)
    return summary
