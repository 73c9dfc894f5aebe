"""The mentor's work: the queue, a case, and what can be done with it (claim, release, note, reach
out, hand back, send a directory entry, close), the debrief after a heavy case, and one's own load.

Every view of a case's conversation and every action is written to the audit log; actions also
leave an event in the case's own history (bot/mentoring/escalation.py).
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from api.dashboard.i18n import done_notice, explain, label, say, stamp, waiting
from api.dashboard.security import (
    Viewer,
    address,
    case_worker,
    config,
    redirect,
    render,
    signed_in,
    signed_in_polling,
)
from api.deps import in_session
from api.rasa_client import EngineUnavailable
from api.schemas import RowId
from bot.config import DashboardConfig
from bot.crisis import severity_rank
from bot.mentoring import accounts, audit, care, caseload, casework, errors, escalation, handover
from bot.pseudonyms import pseudonym
from bot.safety import directory
from bot.storage.models import Case, Handover, Mentor, Message, Person, aware, utcnow

log = logging.getLogger(__name__)
router = APIRouter(prefix="/dashboard", include_in_schema=False, dependencies=[Depends(case_worker)])

ALERT_SEVERITIES = ("imminent", "high")
# ?done=... after an action: the notice's key in dashboard_ui.yml's `notices`.
DONE = ("claimed", "released", "note", "sent", "entry", "handed_back", "closed", "debrief", "debrief_skipped")


# ------------------------------------------------------------------------------------ helpers

def waiting_text(since: datetime, lang: str, now: datetime | None = None) -> str:
    return waiting(max(0, int(((now or utcnow()) - aware(since)).total_seconds() // 60)), lang)


def _choices(group: str, ids, lang: str) -> dict[str, str]:
    return {value: label(lang, group, value) for value in ids}


def _person_waiting(session: Session, person_id: str) -> bool:
    """The person wrote after the mentor's last message (only asked while a mentor is present)."""
    last = session.query(Message.role).filter(Message.person_id == person_id, Message.role.in_(("user", "mentor"))) \
        .order_by(Message.id.desc()).first()
    return bool(last and last[0] == "user")


def queue_rows(session: Session, viewer: Viewer) -> list[dict[str, Any]]:
    cases = escalation.list_open_cases(session)
    names = accounts.display_names(session)
    present = handover.present_on_cases(session, [c.id for c in cases])
    now = utcnow()
    rows = []
    for case in cases:
        rows.append({
            "id": case.id,
            "severity": case.severity,
            "status": case.status,
            "opened_at": aware(case.opened_at).isoformat(),
            "waiting": waiting_text(case.opened_at, viewer.lang, now),
            "waiting_s": int((now - aware(case.opened_at)).total_seconds()),
            "language": case.language,
            "country": case.country or say(viewer.lang, "labels.country_unknown"),
            "held_by": names.get(case.claimed_by, case.claimed_by) if case.claimed_by else None,
            "mine": case.claimed_by == viewer.email,
            "consent_transcript": case.consent_transcript,
            "consent_contact": case.consent_contact,
            "mentor_present": case.id in present,
            "person_waiting": case.id in present and _person_waiting(session, case.person_id),
            "triggers": len(case.triggers),
            "alert": case.severity in ALERT_SEVERITIES and case.status == "open",
        })
    return rows


def _message_view(message: Message, trigger_ids: set[int], lang: str) -> dict[str, Any]:
    custom = (message.payload or {}).get("custom") or {}
    return {
        "id": message.id,
        "role": message.role,
        "text": message.text or "",
        "at": aware(message.created_at).isoformat() if message.created_at else None,
        "time": stamp(aware(message.created_at), lang),
        "trigger": message.id in trigger_ids,
        "held": message.status == "held_for_mentor",
        "entry": bool(custom.get("directory_entry")),
        "has_buttons": bool((message.payload or {}).get("buttons")),
    }


def _event_view(event, names: dict[str, str], lang: str) -> dict[str, Any]:
    actor = names.get(event.actor) or label(lang, "actor", event.actor)
    return {"actor": actor, "kind": event.kind, "detail": event.detail or {},
            "time": stamp(aware(event.created_at), lang)}


def _directory_for(case: Case, language: str, lang: str) -> dict[str, list[dict[str, Any]]]:
    """Entries to send: centres that serve the person's `language`, named in the mentor's `lang`."""
    lines = directory.load_helplines()
    country = directory.normalise_country(case.country)
    chosen = [h for h in lines if country is None or h.country == country]
    centres = directory.recovery_centres_for(case.country, language)
    return {
        "helplines": [{"id": h.id, "name": h.name(lang), "phone": h.phone, "country": h.country,
                       "kinds": ", ".join(label(lang, "directory_kind", k) for k in h.kinds)} for h in chosen],
        "centres": [{"id": c.id, "name": c.name(lang), "phone": c.phone or "", "country": c.country,
                     "region": c.region, "kind": label(lang, "place_kind", c.kind)} for c in centres],
    }


def case_context(session: Session, case_id: int, viewer: Viewer, settings: DashboardConfig) -> dict[str, Any]:
    case = casework.load_case(session, case_id)
    person = session.get(Person, case.person_id)
    language = (person.language if person else None) or case.language
    names = accounts.display_names(session)
    trigger_ids = {t.message_id for t in case.triggers if t.message_id}
    visible = handover.mentor_visible_messages(session, case)
    current = handover.active_handover(session, case.person_id)
    mentor = session.get(Mentor, viewer.id)
    held = len(caseload.held_cases(session, mentor))
    cap = caseload.caseload_cap(session, settings)
    lang = viewer.lang
    return {
        "case": {
            "id": case.id, "severity": case.severity, "status": case.status, "language": language,
            "country": case.country, "consent_transcript": case.consent_transcript,
            "consent_contact": case.consent_contact, "outcome": case.outcome,
            "outcome_label": label(lang, "outcome", case.outcome),
            "opened": stamp(aware(case.opened_at), lang, year=True) + " UTC",
            "waiting": waiting_text(case.opened_at, lang),
            "held_by": names.get(case.claimed_by, case.claimed_by) if case.claimed_by else None,
            "mine": case.claimed_by == viewer.email and case.status == "claimed",
            "mentor_present": current is not None and current.case_id == case.id,
            "present_elsewhere": current is not None and current.case_id != case.id,
        },
        "triggers": [{"text": t.text, "severity": t.severity, "signals": ", ".join(t.signals or []),
                      "source": t.source, "time": stamp(aware(t.created_at), lang)}
                     for t in case.triggers],
        "helplines_shown": case.helplines_shown or [],
        "messages": [_message_view(m, trigger_ids, lang) for m in visible],
        "last_message_id": visible[-1].id if visible else 0,
        "notes": [_event_view(e, names, lang) for e in case.events if e.kind == "note"],
        "events": [_event_view(e, names, lang) for e in case.events],
        "outcomes": _choices("outcome", escalation.OUTCOMES, lang),
        "directory": _directory_for(case, language, lang),
        "held": held, "cap": cap,
        "may_note": case.status == "open" or (case.status == "claimed" and case.claimed_by == viewer.email),
    }


async def _case_page(request: Request, viewer: Viewer, case_id: int, *, error: str | None = None,
                     notice: str | None = None, status_code: int = 200) -> Response:
    settings = config(request)

    def work(session: Session):
        context = case_context(session, case_id, viewer, settings)
        audit.record(session, session.get(Mentor, viewer.id), "case_viewed", case_id=case_id,
                      detail={"messages_shown": len(context["messages"]), "triggers_shown": len(context["triggers"]),
                              "scope": "consented" if context["case"]["consent_transcript"] else "triggers+mentor"},
                      address=address(request))
        return context

    try:
        context = await in_session(request, work)
    except casework.Refused as refused:
        return render(request, "error.html", {"title": say(viewer.lang, "errors.case_not_found"),
                                              "message": refused.text(viewer.lang)},
                      viewer=viewer, status_code=refused.status_code)
    context.update(title=say(viewer.lang, "case.title", id=case_id), error=error, notice=notice)
    return render(request, "case.html", context, viewer=viewer, status_code=status_code)


async def _act(request: Request, viewer: Viewer, case_id: int, fn, *, done: str, anchor: str = "") -> Response:
    """Run an action; on refusal show the case again with the reason."""
    try:
        result = await in_session(request, fn)
    except casework.Refused as refused:
        return await _case_page(request, viewer, case_id, error=refused.text(viewer.lang),
                                status_code=refused.status_code)
    except (errors.CaseloadFull, escalation.CaseConflict) as conflict:
        return await _case_page(request, viewer, case_id, error=explain(conflict, viewer.lang), status_code=409)
    except ValueError as invalid:
        return await _case_page(request, viewer, case_id, error=explain(invalid, viewer.lang), status_code=422)
    if isinstance(result, Response):
        return result
    return redirect(request, f"/dashboard/cases/{case_id}", done=done) if not anchor else \
        _with_anchor(redirect(request, f"/dashboard/cases/{case_id}", done=done), anchor)


def _with_anchor(response: Response, anchor: str) -> Response:
    response.headers["location"] += f"#{anchor}"
    return response


async def _engine(request: Request, person_id: str, events: list[dict[str, Any]], what: str) -> bool:
    try:
        await request.app.state.rasa.append_events(person_id, events)
        return True
    except EngineUnavailable as error:
        # The gateway's own check is what keeps the bot silent; the engine catches up later.
        log.warning("could not %s the dialogue engine for %s: %s", what, pseudonym(person_id), error)
        return False


async def _pause_engine(request: Request, person_id: str, handover_id: int) -> None:
    paused = await _engine(request, person_id, [{"event": "pause"}], "pause")

    def mark(session: Session) -> None:
        row = session.get(Handover, handover_id)
        if row is not None:
            row.engine_paused = paused

    await in_session(request, mark)


async def _resume_engine(request: Request, person_id: str) -> None:
    await _engine(request, person_id, [{"event": "resume"}], "resume")


# ------------------------------------------------------------------------------------ pages

@router.get("")
@router.get("/")
def home(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    return redirect(request, "/dashboard/queue")


@router.get("/queue")
async def queue(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    def work(session: Session):
        mentor = session.get(Mentor, viewer.id)
        return {"rows": queue_rows(session, viewer), "held": len(caseload.held_cases(session, mentor)),
                "cap": caseload.caseload_cap(session, config(request))}

    context = await in_session(request, work)
    context.update(title=say(viewer.lang, "queue.title"), alert=any(row["alert"] for row in context["rows"]),
                   notice=done_notice(request, viewer.lang, DONE))
    return render(request, "queue.html", context, viewer=viewer)


@router.get("/queue.json")
async def queue_json(request: Request, viewer: Viewer = Depends(signed_in_polling)) -> JSONResponse:
    def work(session: Session):
        mentor = session.get(Mentor, viewer.id)
        return {"cases": queue_rows(session, viewer), "held": len(caseload.held_cases(session, mentor)),
                "cap": caseload.caseload_cap(session, config(request)), "generated_at": utcnow().isoformat()}

    response = JSONResponse(await in_session(request, work))
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/cases/{case_id}")
async def case_view(case_id: RowId, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    return await _case_page(request, viewer, case_id, notice=done_notice(request, viewer.lang, DONE))


@router.get("/cases/{case_id}/live.json")
async def case_live(case_id: RowId, request: Request, after: int = Query(0, ge=0, le=2_147_483_647),
                    viewer: Viewer = Depends(signed_in_polling)) -> JSONResponse:
    """New messages in the mentor's scope since `after`; an audit entry whenever any are shown."""
    def work(session: Session):
        case = casework.load_case(session, case_id)
        trigger_ids = {t.message_id for t in case.triggers if t.message_id}
        new = [_message_view(m, trigger_ids, viewer.lang)
               for m in handover.mentor_visible_messages(session, case, after_id=after)]
        if new:
            audit.record(session, session.get(Mentor, viewer.id), "case_messages_viewed", case_id=case_id,
                          detail={"message_ids": [m["id"] for m in new]}, address=address(request))
        current = handover.active_handover(session, case.person_id)
        return {"messages": new, "status": case.status,
                "mentor_present": current is not None and current.case_id == case.id}

    try:
        data = await in_session(request, work)
    except casework.Refused as refused:
        return JSONResponse({"error": {"code": "not_found", "message": refused.text(viewer.lang)}}, status_code=404)
    response = JSONResponse(data)
    response.headers["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------------------------ actions

@router.post("/cases/{case_id}/claim")
async def claim(case_id: RowId, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    def work(session: Session):
        casework.claim(session, case_id, session.get(Mentor, viewer.id), caseload.caseload_cap(session, config(request)),
                       address(request))

    return await _act(request, viewer, case_id, work, done="claimed")


@router.post("/cases/{case_id}/release")
async def release(case_id: RowId, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    """The holder gives the case back; an admin may do so for a colleague who is away."""
    resume: dict[str, str] = {}

    def work(session: Session):
        person_id = casework.release(session, case_id, session.get(Mentor, viewer.id), address(request))
        if person_id is not None:
            resume["person_id"] = person_id

    response = await _act(request, viewer, case_id, work, done="released")
    if resume:
        await _resume_engine(request, resume["person_id"])
    return response


@router.post("/cases/{case_id}/notes")
async def add_note(case_id: RowId, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    text = str((await request.form()).get("text", ""))[:5000]

    def work(session: Session):
        casework.add_note(session, case_id, session.get(Mentor, viewer.id), text, address(request))

    return await _act(request, viewer, case_id, work, done="note", anchor="notes")


@router.post("/cases/{case_id}/messages")
async def reach_out(case_id: RowId, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    form = await request.form()
    text = str(form.get("text", ""))
    despite = form.get("despite_no_consent") == "yes"
    joined: dict[str, Any] = {}

    def work(session: Session):
        mentor = session.get(Mentor, viewer.id)
        case = casework.load_case(session, case_id)
        casework.holder_only(case, mentor, "write")
        if case.consent_contact is False and not despite:
            raise casework.Refused("no_contact", 422)
        message, joined_now = handover.send_message(session, case, mentor, text)
        audit.record(session, mentor, "message_sent", case_id=case_id,
                      detail={"message_id": message.id, "despite_no_consent": bool(case.consent_contact is False)},
                      address=address(request))
        if joined_now:
            joined.update(person_id=case.person_id, handover_id=handover.active_handover(session, case.person_id).id)
            audit.record(session, mentor, "mentor_joined", case_id=case_id, address=address(request))

    response = await _act(request, viewer, case_id, work, done="sent", anchor="reach-out")
    if joined:
        await _pause_engine(request, joined["person_id"], joined["handover_id"])
    return response


@router.post("/cases/{case_id}/entries")
async def send_entry(case_id: RowId, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    form = await request.form()
    kind, entry_id = str(form.get("kind", "")), str(form.get("entry_id", ""))
    joined: dict[str, Any] = {}

    def work(session: Session):
        mentor = session.get(Mentor, viewer.id)
        case = casework.load_case(session, case_id)
        casework.holder_only(case, mentor, "send_entry")
        pool = directory.load_helplines() if kind == "helpline" else \
            directory.load_recovery_centres() if kind == "recovery_centre" else ()
        entry = next((e for e in pool if e.id == entry_id), None)
        if entry is None:
            raise casework.Refused("entry_missing", 422)
        message, joined_now = handover.send_entry(session, case, mentor, entry)
        audit.record(session, mentor, "directory_entry_sent", case_id=case_id,
                      detail={"kind": kind, "entry_id": entry_id, "message_id": message.id}, address=address(request))
        if joined_now:
            joined.update(person_id=case.person_id, handover_id=handover.active_handover(session, case.person_id).id)
            audit.record(session, mentor, "mentor_joined", case_id=case_id, address=address(request))

    response = await _act(request, viewer, case_id, work, done="entry", anchor="reach-out")
    if joined:
        await _pause_engine(request, joined["person_id"], joined["handover_id"])
    return response


@router.post("/cases/{case_id}/handback")
async def hand_back(case_id: RowId, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    person: dict[str, str] = {}

    def work(session: Session):
        mentor = session.get(Mentor, viewer.id)
        case = casework.load_case(session, case_id)
        casework.holder_only(case, mentor, "hand_back")
        if handover.leave(session, case, mentor.email) is None:
            raise casework.Refused("not_in_conversation")
        audit.record(session, mentor, "mentor_left", case_id=case_id, address=address(request))
        person["id"] = case.person_id

    response = await _act(request, viewer, case_id, work, done="handed_back", anchor="reach-out")
    if person:
        await _resume_engine(request, person["id"])
    return response


@router.post("/cases/{case_id}/close")
async def close(case_id: RowId, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    form = await request.form()
    outcome, note = str(form.get("outcome", "")), str(form.get("note", ""))[:5000]
    after: dict[str, Any] = {}

    def work(session: Session):
        closed = casework.close(session, case_id, session.get(Mentor, viewer.id), outcome, note, address(request))
        after.update(person_id=closed.person_id, resume=closed.resume_engine, debrief=closed.needs_debrief)

    response = await _act(request, viewer, case_id, work, done="closed")
    if after:
        if after["resume"]:
            await _resume_engine(request, after["person_id"])
        # As the JSON API does: a closed case ends the dialogue's crisis flow.
        await _engine(request, after["person_id"], [
            {"event": "active_loop", "name": None},
            {"event": "slot", "name": "requested_slot", "value": None},
            {"event": "slot", "name": "crisis_safe", "value": None},
        ], "end the crisis flow of")
        if after["debrief"]:
            return redirect(request, f"/dashboard/debrief/{case_id}")
        return redirect(request, "/dashboard/queue", done="closed")
    return response


# ------------------------------------------------------------------------------------ care

@router.get("/debrief/{case_id}")
async def debrief_form(case_id: RowId, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    def work(session: Session):
        case = session.get(Case, case_id)
        if case is None or case.claimed_by != viewer.email or not care.needs_debrief(case):
            return None
        return {"case_id": case.id, "severity": case.severity,
                "done": care.has_debrief(session, session.get(Mentor, viewer.id), case.id)}

    found = await in_session(request, work)
    if found is None:
        return redirect(request, "/dashboard/queue")
    return render(request, "debrief.html", {"title": say(viewer.lang, "debrief.title"),
                                            "feelings": _choices("feeling", care.FEELINGS, viewer.lang), **found},
                  viewer=viewer)


@router.post("/debrief/{case_id}")
async def debrief_save(case_id: RowId, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    form = await request.form()
    skipped = form.get("skip") == "1"
    feeling = str(form.get("feeling", "")) or None
    note, wants = str(form.get("note", ""))[:5000], form.get("wants_colleague") == "yes"

    def work(session: Session):
        case = session.get(Case, case_id)
        mentor = session.get(Mentor, viewer.id)
        if case is None or case.claimed_by != mentor.email or not care.needs_debrief(case):
            return "gone"
        if care.has_debrief(session, mentor, case_id):
            return "done"
        try:
            care.save_debrief(session, mentor, case, feeling=feeling, wants_colleague=wants, note=note,
                                 skipped=skipped)
        except errors.AccountError as problem:
            return problem.text(viewer.lang)
        return "ok"

    result = await in_session(request, work)
    if result not in ("ok", "done", "gone"):
        return render(request, "debrief.html", {"title": say(viewer.lang, "debrief.title"),
                                                "feelings": _choices("feeling", care.FEELINGS, viewer.lang),
                                                "case_id": case_id, "error": result, "done": False},
                      viewer=viewer, status_code=422)
    return redirect(request, "/dashboard/my-load", done="debrief_skipped" if skipped else "debrief")


@router.get("/my-load")
async def my_load(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    def work(session: Session):
        mentor = session.get(Mentor, viewer.id)
        return {
            "load": care.load_summary(session, mentor),
            "cap": caseload.caseload_cap(session, config(request)),
            "debriefs": [{"time": stamp(aware(d.created_at), viewer.lang, year=True, clock=False),
                          "severity": d.severity, "feeling": label(viewer.lang, "feeling", d.feeling),
                          "note": d.note or "",
                          "wants_colleague": d.wants_colleague, "case_id": d.case_id}
                         for d in care.own_debriefs(session, mentor)],
            "severities": sorted(("imminent", "high", "elevated", "concern"), key=severity_rank, reverse=True),
        }

    context = await in_session(request, work)
    context.update(title=say(viewer.lang, "my_load.title"), notice=done_notice(request, viewer.lang, DONE))
    return render(request, "my_load.html", context, viewer=viewer)
