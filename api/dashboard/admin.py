"""Admin pages: mentors and invitations, settings (caseload cap), the audit log (read only), the
care overview (counts only), and the help-line / recovery-centre directory."""
from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.dashboard.i18n import done_notice, explain, say, stamp
from api.dashboard.security import Viewer, address, admin_only, base, config, redirect, render
from api.deps import database, in_session
from api.schemas import RowId
from bot import content
from bot.config import SUPPORTED_LANGUAGES
from bot.mentoring import accounts, audit, care, caseload, errors, invitations
from bot.safety import directory_edit
from bot.safety.directory import COUNTRIES, KINDS, MAX_VERIFICATION_AGE_DAYS, PLACE_KINDS, DirectoryError
from bot.storage.models import Mentor, aware
from bot.text import one_line

router = APIRouter(prefix="/dashboard/admin", include_in_schema=False, dependencies=[Depends(admin_only)])

# ?done=... after an action: the notice's key in dashboard_ui.yml's `notices`.
DONE = ("settings", "role", "active", "inactive", "saved", "deleted", "peer_intro")


def _link(request: Request, token: str) -> str:
    return str(request.base_url).rstrip("/") + base(request) + f"/dashboard/invite/{token}"


# ------------------------------------------------------------------------------------ mentors

def _mentors_context(session: Session, lang: str) -> dict[str, Any]:
    rows = []
    for mentor in accounts.list_mentors(session):
        rows.append({"id": mentor.id, "email": mentor.email, "name": mentor.display_name, "role": mentor.role,
                     "active": mentor.active, "has_password": mentor.password_hash is not None,
                     "totp": mentor.totp_enabled, "held": len(caseload.held_cases(session, mentor)),
                     "last_login": stamp(aware(mentor.last_login_at), lang, year=True)
                     if mentor.last_login_at else say(lang, "labels.never")})
    return {"mentors": rows, "roles": accounts.ROLES}


async def _mentors_page(request: Request, viewer: Viewer, *, status_code: int = 200, **extra: Any) -> Response:
    context = await in_session(request, lambda session: _mentors_context(session, viewer.lang))
    context.update(title=say(viewer.lang, "admin_mentors.title"), **extra)
    return render(request, "admin_mentors.html", context, viewer=viewer, status_code=status_code)


@router.get("")
def admin_home(request: Request) -> Response:
    return redirect(request, "/dashboard/admin/mentors")


@router.get("/mentors")
async def mentors_page(request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    return await _mentors_page(request, viewer, notice=done_notice(request, viewer.lang, DONE))


@router.post("/mentors")
async def invite_mentor(request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    form = await request.form()
    email, name, role = (str(form.get(k, "")).strip() for k in ("email", "display_name", "role"))

    def work(session: Session):
        try:
            mentor, token = invitations.invite(session, config(request), email=email, display_name=name, role=role or
                                           "mentor", invited_by=viewer.email)
        except errors.AccountError as problem:
            session.rollback()
            return None, problem.text(viewer.lang)
        audit.record(session, session.get(Mentor, viewer.id), "mentor_invited",
                      detail={"mentor": mentor.email, "role": mentor.role}, address=address(request))
        return token, None

    token, problem = await in_session(request, work)
    if problem:
        return await _mentors_page(request, viewer, error=problem, status_code=422, form={"email": email,
                                                                                           "display_name": name})
    return await _mentors_page(request, viewer, invite_link=_link(request, token), invite_for=email)


@router.post("/mentors/{mentor_id}/link")
async def new_link(mentor_id: RowId, request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    def work(session: Session):
        mentor = session.get(Mentor, mentor_id)
        if mentor is None or not mentor.active:
            return None, None
        token = invitations.invitation_link_token(session, config(request), mentor, viewer.email)
        audit.record(session, session.get(Mentor, viewer.id), "password_link_created",
                      detail={"mentor": mentor.email}, address=address(request))
        return token, mentor.email

    token, email = await in_session(request, work)
    if token is None:
        return await _mentors_page(request, viewer, error=say(viewer.lang, "errors.account_missing"),
                                   status_code=404)
    return await _mentors_page(request, viewer, invite_link=_link(request, token), invite_for=email)


@router.post("/mentors/{mentor_id}/active")
async def set_active(mentor_id: RowId, request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    active = (await request.form()).get("active") == "yes"

    def work(session: Session):
        mentor = session.get(Mentor, mentor_id)
        if mentor is None:
            return say(viewer.lang, "errors.no_such_account")
        if mentor.id == viewer.id:
            return say(viewer.lang, "errors.cannot_deactivate_self")
        accounts.set_active(session, mentor, active)
        audit.record(session, session.get(Mentor, viewer.id), "mentor_activated" if active else "mentor_deactivated",
                      detail={"mentor": mentor.email}, address=address(request))
        return None

    problem = await in_session(request, work)
    if problem:
        return await _mentors_page(request, viewer, error=problem, status_code=422)
    return redirect(request, "/dashboard/admin/mentors", done="active" if active else "inactive")


@router.post("/mentors/{mentor_id}/role")
async def set_role(mentor_id: RowId, request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    """A raise (facilitator -> mentor -> admin) opens crisis conversations to the account: its password,
    which a self-registered facilitator chose alone, stops working and its sessions end; the admin gets
    a one-time link to pass on, so the person sets a fresh password through a channel the admin trusts."""
    role = str((await request.form()).get("role", ""))

    def work(session: Session):
        mentor = session.get(Mentor, mentor_id)
        if mentor is None or role not in accounts.ROLES:
            return say(viewer.lang, "errors.role_choice"), None, None
        if mentor.id == viewer.id and role != "admin":
            return say(viewer.lang, "errors.cannot_drop_own_admin"), None, None
        raised = accounts.role_rank(role) > accounts.role_rank(mentor.role)
        mentor.role = role
        token = None
        if raised:
            accounts.require_new_password(session, mentor)
            token = invitations.invitation_link_token(session, config(request), mentor, viewer.email)
        audit.record(session, session.get(Mentor, viewer.id), "mentor_role_changed",
                      detail={"mentor": mentor.email, "role": role, "new_password_required": raised},
                      address=address(request))
        return None, token, mentor.email

    problem, token, email = await in_session(request, work)
    if problem:
        return await _mentors_page(request, viewer, error=problem, status_code=422)
    if token:
        return await _mentors_page(request, viewer, invite_link=_link(request, token), invite_for=email)
    return redirect(request, "/dashboard/admin/mentors", done="role")


# ------------------------------------------------------------------------------------ settings

@router.get("/settings")
async def settings_page(request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    cap = await in_session(request, lambda s: caseload.caseload_cap(s, config(request)))
    return render(request, "admin_settings.html", {
        "title": say(viewer.lang, "admin_settings.title"), "cap": cap,
        "notice": done_notice(request, viewer.lang, DONE)}, viewer=viewer)


@router.post("/settings")
async def save_settings(request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    raw = str((await request.form()).get("caseload_cap", "")).strip()

    def work(session: Session):
        try:
            caseload.set_caseload_cap(session, int(raw) if raw.isdigit() else -1, viewer.email)
        except errors.AccountError as problem:
            return problem.text(viewer.lang)
        audit.record(session, session.get(Mentor, viewer.id), "settings_changed",
                      detail={"caseload_cap": int(raw)}, address=address(request))
        return None

    problem = await in_session(request, work)
    if problem:
        return render(request, "admin_settings.html", {"title": say(viewer.lang, "admin_settings.title"), "cap": raw,
                                                       "error": problem},
                      viewer=viewer, status_code=422)
    return redirect(request, "/dashboard/admin/settings", done="settings")


# ------------------------------------------------------------------------------------ audit and care

@router.get("/audit")
async def audit_page(request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    query = request.query_params
    case = int(query["case"]) if query.get("case", "").isdigit() else None
    before = int(query["before"]) if query.get("before", "").isdigit() else None
    actor, action = query.get("actor", "").strip(), query.get("action", "").strip()

    def work(session: Session):
        rows = audit.entries(session, case_id=case, actor=actor or None, action=action or None,
                                     before_id=before, limit=100)
        audit.record(session, session.get(Mentor, viewer.id), "audit_viewed",
                      detail={k: v for k, v in {"case": case, "actor": actor, "action": action}.items() if v},
                      address=address(request))
        return [{"id": r.id, "time": aware(r.created_at).strftime("%Y-%m-%d %H:%M:%S"), "actor": r.actor,
                 "action": r.action, "case_id": r.case_id, "detail": r.detail, "address": r.address or ""}
                for r in rows]

    entries = await in_session(request, work)
    return render(request, "admin_audit.html", {
        "title": say(viewer.lang, "admin_audit.title"), "entries": entries,
        "filters": {"case": case or "", "actor": actor, "action": action},
        "older": entries[-1]["id"] if len(entries) == 100 else None}, viewer=viewer)


@router.get("/care")
async def care_page(request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    def work(session: Session):
        return {"week": care.debrief_counts(session, 7), "month": care.debrief_counts(session, 30)}

    counts = await in_session(request, work)
    return render(request, "admin_care.html", {"title": say(viewer.lang, "admin_care.title"), **counts},
                  viewer=viewer)


# ------------------------------------------------------------------------------------ directory

def _folder(request: Request):
    return config(request).directory_dir


def _stale(value: str) -> bool:
    try:
        return (date.today() - date.fromisoformat(value)).days > MAX_VERIFICATION_AGE_DAYS
    except ValueError:
        return True


@router.get("/directory")
def directory_page(request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    groups = []
    for name, title in (("helpline", "helplines"), ("recovery_centre", "recovery_centres")):
        kind = directory_edit.kind_of(name)
        rows = directory_edit.entries(kind, _folder(request))
        for row in rows:
            row["stale"] = _stale(row["last_verified"])
            row["name"] = row.get(f"name_{viewer.lang}") or row.get("name_en")
        groups.append({"kind": name, "title": say(viewer.lang, f"admin_directory.{title}"), "rows": rows})
    peer_intro = {"written": directory_edit.peer_intro_values(_folder(request)),
                  "defaults": {lang: one_line(content.section(lang, "peers")["intro"])
                               for lang in SUPPORTED_LANGUAGES}}
    return render(request, "admin_directory.html", {
        "title": say(viewer.lang, "admin_directory.title"), "groups": groups, "max_age": MAX_VERIFICATION_AGE_DAYS,
        "peer_intro": peer_intro, "notice": done_notice(request, viewer.lang, DONE)}, viewer=viewer)


@router.post("/directory/peer-intro")
async def save_peer_intro(request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    form = await request.form()
    texts = {lang: str(form.get(f"peer_intro_{lang}", ""))[:3000] for lang in SUPPORTED_LANGUAGES}
    cfg = config(request)

    def work() -> str | None:
        try:
            backup = directory_edit.save_peer_intro(cfg.directory_dir, cfg.backup_dir, texts)
        except DirectoryError as problem:
            return explain(problem, viewer.lang)
        with database(request).session() as session:
            audit.record(session, session.get(Mentor, viewer.id), "directory_peer_intro_saved",
                          detail={"backup": backup.name, "cleared": not any(t.strip() for t in texts.values())},
                          address=address(request))
        return None

    problem = await run_in_threadpool(work)
    if problem:
        return render(request, "error.html", {"title": say(viewer.lang, "errors.not_saved"), "message": problem},
                      viewer=viewer, status_code=422)
    return redirect(request, "/dashboard/admin/directory", done="peer_intro")


def _edit_page(request: Request, viewer: Viewer, kind_name: str, values: dict[str, Any], *, create: bool,
               error: str | None = None, status_code: int = 200) -> Response:
    kind = directory_edit.kind_of(kind_name)
    title = say(viewer.lang, f"directory_edit.{'title_new' if create else 'title_edit'}.{kind_name}")
    return render(request, "admin_directory_edit.html", {
        "title": title, "kind": kind, "values": values,
        "create": create, "countries": COUNTRIES, "kinds": KINDS, "place_kinds": PLACE_KINDS,
        "languages": SUPPORTED_LANGUAGES,
        "error": error, "today": date.today().isoformat()}, viewer=viewer, status_code=status_code)


@router.get("/directory/{kind_name}/new")
def new_entry_form(kind_name: str, request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    try:
        directory_edit.kind_of(kind_name)
    except DirectoryError:
        return render(request, "error.html", {"title": say(viewer.lang, "errors.not_found"),
                                              "message": say(viewer.lang, "errors.no_such_directory")},
                      viewer=viewer, status_code=404)
    return _edit_page(request, viewer, kind_name, {"kinds": []}, create=True)


@router.get("/directory/{kind_name}/{entry_id}")
def edit_entry_form(kind_name: str, entry_id: str, request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    try:
        kind = directory_edit.kind_of(kind_name)
        values = next((e for e in directory_edit.entries(kind, _folder(request)) if e["id"] == entry_id), None)
    except DirectoryError:
        values = None
    if values is None:
        return render(request, "error.html", {"title": say(viewer.lang, "errors.not_found"),
                                              "message": say(viewer.lang, "errors.no_such_entry")},
                      viewer=viewer, status_code=404)
    return _edit_page(request, viewer, kind_name, values, create=False)


async def _save(request: Request, viewer: Viewer, kind_name: str, entry_id: str, *, create: bool = False,
                delete: bool = False, verified_today: bool = False) -> Response:
    form = await request.form()
    values: dict[str, Any] = {key: str(value) for key, value in form.items() if key != "csrf_token"}
    values["kinds"] = [str(v) for v in form.getlist("kinds")]
    if create:
        entry_id = values.get("id", "").strip()
    values["id"] = entry_id
    cfg = config(request)

    def work() -> str | None:
        try:
            if verified_today:
                kind = directory_edit.kind_of(kind_name)
                current = next((e for e in directory_edit.entries(kind, cfg.directory_dir) if e["id"] == entry_id),
                               None)
                if current is None:
                    raise DirectoryError("no_entry", ident=repr(entry_id))
                current["last_verified"] = date.today().isoformat()
                payload: dict[str, Any] | None = current
            else:
                payload = None if delete else values
            backup = directory_edit.save_entry(kind_name, cfg.directory_dir, cfg.backup_dir, entry_id=entry_id,
                                               form=payload, create=create)
        except DirectoryError as problem:
            return explain(problem, viewer.lang)
        with database(request).session() as session:
            audit.record(session, session.get(Mentor, viewer.id),
                          "directory_entry_deleted" if delete else "directory_entry_saved",
                          detail={"kind": kind_name, "entry_id": entry_id, "backup": backup.name,
                                  "verified_today": verified_today, "created": create},
                          address=address(request))
        return None

    problem = await run_in_threadpool(work)
    if problem:
        if delete or verified_today:
            return render(request, "error.html", {"title": say(viewer.lang, "errors.not_saved"), "message": problem},
                          viewer=viewer, status_code=422)
        return _edit_page(request, viewer, kind_name, values, create=create, error=problem, status_code=422)
    return redirect(request, "/dashboard/admin/directory", done="deleted" if delete else "saved")


@router.post("/directory/{kind_name}/new")
async def create_entry(kind_name: str, request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    return await _save(request, viewer, kind_name, "", create=True)


@router.post("/directory/{kind_name}/{entry_id}")
async def save_entry(kind_name: str, entry_id: str, request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    return await _save(request, viewer, kind_name, entry_id)


@router.post("/directory/{kind_name}/{entry_id}/verified")
async def mark_verified(kind_name: str, entry_id: str, request: Request,
                        viewer: Viewer = Depends(admin_only)) -> Response:
    return await _save(request, viewer, kind_name, entry_id, verified_today=True)


@router.post("/directory/{kind_name}/{entry_id}/delete")
async def delete_entry(kind_name: str, entry_id: str, request: Request,
                       viewer: Viewer = Depends(admin_only)) -> Response:
    return await _save(request, viewer, kind_name, entry_id, delete=True)
