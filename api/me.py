"""A visitor's own data: check-ins and their pictures, downloads, and deletion.

The pseudonymous sender id the browser keeps is the key; pictures shown in the chat use a
separate random id per check-in so an image link reveals nobody's id.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from sqlalchemy import select

from api.deps import in_session
from api.schemas import SenderId, error_responses
from bot import privacy
from bot.exercises.lifeline import lifeline_alt_text, lifeline_png
from bot.exercises.runner import LIFELINE_URL, lifeline_of
from bot.storage.models import Lifeline, Person, utcnow
from bot.wellbeing import checkins, findings
from bot.wellbeing.chart import radar_alt_text, radar_png, trend_alt_text, trend_png
from bot.wellbeing.conversation import CHART_URL

router = APIRouter(responses=error_responses(404, 405, 413, 422))
PNG_HEADERS = {"Cache-Control": "private, max-age=3600"}
# What the OpenAPI schema says the pictures and the CSV download are.
PNG: dict[int | str, dict[str, Any]] = {200: {"content": {"image/png": {}}, "description": "a PNG picture"}}
CSV: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {}}, "description": "a CSV file"}}


def _person(session, sender: str) -> Person:
    """The person, or an unsaved empty one: an unknown id gets the same answer as an id with no data,
    so nobody can learn which ids exist by asking."""
    return session.get(Person, sender) or Person(id=sender, language="en", country=None, created_at=utcnow())


@router.get("/charts/checkin/{public_id}/radar.png", response_class=Response, responses=PNG)
async def checkin_radar(public_id: str, request: Request,
                        lang: str | None = Query(None, pattern="^(en|nl)$")) -> Response:
    def work(session):
        record = checkins.by_public_id(session, public_id)
        if record is None or record.status != "complete":
            raise HTTPException(status_code=404, detail="no such check-in")
        earlier = [r for r in checkins.completed(session, record.person_id) if r.completed_at < record.completed_at]
        previous = checkins.as_checkin(earlier[-1]) if earlier else None
        return radar_png(checkins.as_checkin(record), previous, lang or record.language)

    return Response(await in_session(request, work), media_type="image/png", headers=PNG_HEADERS)


@router.get("/charts/lifeline/{public_id}.png", response_class=Response, responses=PNG)
async def lifeline_picture(public_id: str, request: Request,
                           lang: str | None = Query(None, pattern="^(en|nl)$")) -> Response:
    def work(session):
        row = session.scalars(select(Lifeline).where(Lifeline.public_id == public_id)).first()
        if row is None or not row.points:
            raise HTTPException(status_code=404, detail="no such lifeline")
        return lifeline_png(list(row.points), lang or row.language)

    return Response(await in_session(request, work), media_type="image/png", headers={"Cache-Control": "no-store"})


@router.get("/api/me/{sender}/lifeline")
async def my_lifeline(sender: SenderId, request: Request, lang: str | None = Query(None, pattern="^(en|nl)$")) -> dict:

    def work(session):
        person = _person(session, sender)
        row = lifeline_of(session, sender)
        if row is None or not row.points:
            return {"points": [], "reflections": {}, "picture_url": None, "alt": None}
        return {"points": row.points, "reflections": row.reflections,
                "picture_url": LIFELINE_URL.format(public_id=row.public_id),
                "alt": lifeline_alt_text(list(row.points), lang or person.language)}

    return await in_session(request, work)


@router.get("/api/me/{sender}/checkins")
async def my_checkins(sender: SenderId, request: Request,
                      lang: str | None = Query(None, pattern="^(en|nl)$")) -> dict[str, Any]:

    def work(session):
        person = _person(session, sender)
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

    return await in_session(request, work)


@router.get("/api/me/{sender}/trend.png", response_class=Response, responses=PNG)
async def my_trend(sender: SenderId, request: Request, series: str = Query("investment", pattern="^(investment|fulfilment)$"),
                   lang: str = Query("en", pattern="^(en|nl)$")) -> Response:

    def work(session):
        records = checkins.completed(session, sender)
        if len(records) < 2:
            raise HTTPException(status_code=404, detail="a trend needs at least two check-ins")
        items = [checkins.as_checkin(r) for r in records]
        return trend_png(items, lang, series), trend_alt_text(items, lang, series)

    png, alt = await in_session(request, work)
    # The alt text travels in a header so the page can label the picture without a second request.
    header_safe_alt = alt.encode("ascii", "xmlcharrefreplace").decode()
    return Response(png, media_type="image/png", headers={**PNG_HEADERS, "X-Alt-Text": header_safe_alt})


@router.get("/api/me/{sender}/checkins.csv", response_class=Response, responses=CSV)
async def my_checkins_csv(sender: SenderId, request: Request) -> Response:

    def work(session):
        return checkins.export_csv(checkins.completed(session, sender))

    return Response(await in_session(request, work), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="my-check-ins.csv"'})


@router.get("/api/me/{sender}/checkins.json")
async def my_checkins_json(sender: SenderId, request: Request) -> Response:
    import json


    def work(session):
        return checkins.export_json(checkins.completed(session, sender))

    body = json.dumps({"checkins": await in_session(request, work)}, ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-check-ins.json"'})


@router.delete("/api/me/{sender}/checkins")
async def delete_my_checkins(sender: SenderId, request: Request) -> dict[str, Any]:

    def work(session):
        return {"deleted_checkins": checkins.delete_all(session, sender)}

    return await in_session(request, work)


@router.get("/api/me/{sender}/export")
async def export_everything(sender: SenderId, request: Request) -> Response:
    import json

    tracker = request.app.state.tracker
    body = json.dumps(await in_session(request, lambda session: privacy.export(session, sender, tracker)),
                      ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-data.json"'})


@router.delete("/api/me/{sender}")
async def delete_everything(sender: SenderId, request: Request) -> dict[str, Any]:
    """Everything about the id goes, the dialogue engine's copy included (bot/privacy.py); an open crisis
    case keeps the messages that raised it, and the answer says so."""
    tracker = request.app.state.tracker
    return await in_session(request, lambda session: privacy.erase(session, sender, tracker))
