"""A visitor's own data: check-ins and their pictures, downloads, and deletion.

The pseudonymous sender id the browser keeps is the key; pictures shown in the chat use a
separate random id per check-in so an image link reveals nobody's id.
"""
from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from sqlalchemy import delete, select
from starlette.concurrency import run_in_threadpool

from api.schemas import SENDER_PATTERN
from bot import checkins, groups
from bot.conversations import history
from bot.exercises.lifeline_chart import lifeline_alt_text, lifeline_png
from bot.exercises.runner import LIFELINE_URL, lifeline_of
from bot.storage.models import Case, CheckinRecord, ExerciseSession, Lifeline, Message, Person, SafetyCheck
from bot.wellbeing import findings
from bot.wellbeing.chart import radar_alt_text, radar_png, trend_alt_text, trend_png
from bot.wellbeing.conversation import CHART_URL

router = APIRouter()
PNG_HEADERS = {"Cache-Control": "private, max-age=3600"}


def _check_sender(sender: str) -> None:
    if not re.match(SENDER_PATTERN, sender):
        raise HTTPException(status_code=422, detail="invalid sender id")


def _run(request: Request, work):
    def inner():
        with request.app.state.db.session() as session:
            return work(session)

    return run_in_threadpool(inner)


def _person_or_404(session, sender: str) -> Person:
    person = session.get(Person, sender)
    if person is None:
        raise HTTPException(status_code=404, detail="no data for this id")
    return person


@router.get("/charts/checkin/{public_id}/radar.png")
async def checkin_radar(public_id: str, request: Request,
                        lang: str | None = Query(None, pattern="^(en|nl)$")) -> Response:
    def work(session):
        record = checkins.by_public_id(session, public_id)
        if record is None or record.status != "complete":
            raise HTTPException(status_code=404, detail="no such check-in")
        earlier = [r for r in checkins.completed(session, record.person_id) if r.completed_at < record.completed_at]
        previous = checkins.as_checkin(earlier[-1]) if earlier else None
        return radar_png(checkins.as_checkin(record), previous, lang or record.language)

    return Response(await _run(request, work), media_type="image/png", headers=PNG_HEADERS)


@router.get("/charts/lifeline/{public_id}.png")
async def lifeline_picture(public_id: str, request: Request,
                           lang: str | None = Query(None, pattern="^(en|nl)$")) -> Response:
    def work(session):
        row = session.scalars(select(Lifeline).where(Lifeline.public_id == public_id)).first()
        if row is None or not row.points:
            raise HTTPException(status_code=404, detail="no such lifeline")
        return lifeline_png(list(row.points), lang or row.language)

    return Response(await _run(request, work), media_type="image/png", headers={"Cache-Control": "no-store"})


@router.get("/api/me/{sender}/lifeline")
async def my_lifeline(sender: str, request: Request, lang: str | None = Query(None, pattern="^(en|nl)$")) -> dict:
    _check_sender(sender)

    def work(session):
        person = _person_or_404(session, sender)
        row = lifeline_of(session, sender)
        if row is None or not row.points:
            return {"points": [], "reflections": {}, "picture_url": None, "alt": None}
        return {"points": row.points, "reflections": row.reflections,
                "picture_url": LIFELINE_URL.format(public_id=row.public_id),
                "alt": lifeline_alt_text(list(row.points), lang or person.language)}

    return await _run(request, work)


@router.get("/api/me/{sender}/checkins")
async def my_checkins(sender: str, request: Request,
                      lang: str | None = Query(None, pattern="^(en|nl)$")) -> dict[str, Any]:
    _check_sender(sender)

    def work(session):
        person = _person_or_404(session, sender)
        language = lang or person.language
        records = checkins.completed(session, sender)
        items, earlier = [], []
        for record in records:
            current = checkins.as_checkin(record)
            found = findings.with_history(current, earlier)
            items.append({
                "id": record.public_id,
                "completed_at": record.completed_at.isoformat(),
                "answers": record.data.get("answers"),
                "radar_url": CHART_URL.format(public_id=record.public_id),
                "radar_alt": radar_alt_text(current, earlier[-1] if earlier else None, language),
                "summary": findings.summarise(found, language, current),
            })
            earlier.append(current)
        unfinished = checkins.unfinished(session, sender)
        return {"language": language, "checkins": list(reversed(items)), "paused": unfinished is not None}

    return await _run(request, work)


@router.get("/api/me/{sender}/trend.png")
async def my_trend(sender: str, request: Request, series: str = Query("investment", pattern="^(investment|fulfilment)$"),
                   lang: str = Query("en", pattern="^(en|nl)$")) -> Response:
    _check_sender(sender)

    def work(session):
        _person_or_404(session, sender)
        records = checkins.completed(session, sender)
        if len(records) < 2:
            raise HTTPException(status_code=404, detail="a trend needs at least two check-ins")
        items = [checkins.as_checkin(r) for r in records]
        return trend_png(items, lang, series), trend_alt_text(items, lang, series)

    png, alt = await _run(request, work)
    # The alt text travels in a header so the page can label the picture without a second request.
    header_safe_alt = alt.encode("ascii", "xmlcharrefreplace").decode()
    return Response(png, media_type="image/png", headers={**PNG_HEADERS, "X-Alt-Text": header_safe_alt})


@router.get("/api/me/{sender}/checkins.csv")
async def my_checkins_csv(sender: str, request: Request) -> Response:
    _check_sender(sender)

    def work(session):
        _person_or_404(session, sender)
        return checkins.export_csv(checkins.completed(session, sender))

    return Response(await _run(request, work), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="my-check-ins.csv"'})


@router.get("/api/me/{sender}/checkins.json")
async def my_checkins_json(sender: str, request: Request) -> Response:
    import json

    _check_sender(sender)

    def work(session):
        _person_or_404(session, sender)
        return checkins.export_json(checkins.completed(session, sender))

    body = json.dumps({"checkins": await _run(request, work)}, ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-check-ins.json"'})


@router.delete("/api/me/{sender}/checkins")
async def delete_my_checkins(sender: str, request: Request) -> dict[str, Any]:
    _check_sender(sender)

    def work(session):
        _person_or_404(session, sender)
        return {"deleted_checkins": checkins.delete_all(session, sender)}

    return await _run(request, work)


@router.get("/api/me/{sender}/export")
async def export_everything(sender: str, request: Request) -> Response:
    import json

    _check_sender(sender)

    def work(session):
        person = _person_or_404(session, sender)
        return {
            "id": person.id, "language": person.language, "country": person.country,
            "created_at": person.created_at.isoformat(),
            "messages": history(session, sender, limit=100_000),
            "checkins": checkins.export_json(list(session.scalars(
                select(CheckinRecord).where(CheckinRecord.person_id == sender).order_by(CheckinRecord.id)))),
            "exercises": [
                {"exercise_id": e.exercise_id, "status": e.status, "result": e.result, "feedback": e.feedback,
                 "started_at": e.started_at.isoformat()}
                for e in session.scalars(select(ExerciseSession).where(ExerciseSession.person_id == sender)
                                         .order_by(ExerciseSession.id))
            ],
            "lifeline": (lambda row: {"points": row.points, "reflections": row.reflections} if row else None)(
                lifeline_of(session, sender)),
            "groups": groups.export_person(session, sender),
            "safety_questions": [
                {"asked_at": c.asked_at.isoformat(), "answer": c.answer,
                 "answered_at": c.answered_at.isoformat() if c.answered_at else None}
                for c in session.scalars(select(SafetyCheck).where(SafetyCheck.person_id == sender)
                                         .order_by(SafetyCheck.id))
            ],
        }

    body = json.dumps(await _run(request, work), ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-data.json"'})


@router.delete("/api/me/{sender}")
async def delete_everything(sender: str, request: Request) -> dict[str, Any]:
    """Messages and check-ins go, and the id itself unless a crisis case refers to it: a case stays
    with its triggering messages, because the organisation's duty of care outlives the chat history."""
    _check_sender(sender)

    def work(session):
        _person_or_404(session, sender)
        removed_messages = session.execute(delete(Message).where(Message.person_id == sender)).rowcount or 0
        removed_checkins = checkins.delete_all(session, sender)
        session.execute(delete(ExerciseSession).where(ExerciseSession.person_id == sender))
        session.execute(delete(Lifeline).where(Lifeline.person_id == sender))
        session.execute(delete(SafetyCheck).where(SafetyCheck.person_id == sender))  # their answers too
        left = groups.forget_person(session, sender)  # shared reflections are withdrawn, not orphaned
        kept_for_cases = session.scalars(select(Case.id).where(Case.person_id == sender)).first() is not None
        if not kept_for_cases:
            session.execute(delete(Person).where(Person.id == sender))
        return {"deleted_messages": removed_messages, "deleted_checkins": removed_checkins,
                "groups_left": left["groups_left"], "deleted_group_reflections": left["reflections_deleted"],
                "id_kept_for_a_crisis_case": kept_for_cases}

    return await _run(request, work)
