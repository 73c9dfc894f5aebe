"""The facilitator's pages for self-help groups under /dashboard/groups (logic in bot/groups/rules.py),
server-rendered with the dashboard's sessions, CSRF and audit; facilitators register themselves at
/dashboard/groups/register. The members' side is api/groups.py."""
from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.dashboard.i18n import request_language, say, stamp
from api.dashboard.security import (
    Forbidden,
    Viewer,
    address,
    base,
    config,
    current_form_token,
    form_protected,
    issue_form_token,
    redirect,
    render,
    secure_headers,
    signed_in,
)
from api.deps import in_session
from api.groups import map_png
from api.schemas import RowId
from bot.groups import rules as groups
from bot.mentoring import accounts, audit, errors, signin
from bot.storage.models import Group, Mentor
from bot.wellbeing.model import DIMENSIONS, dimension

router = APIRouter(include_in_schema=False)


def _render(request: Request, template: str, context: dict[str, Any], *, viewer: Viewer | None = None,
            status_code: int = 200) -> Response:
    """The dashboard's renderer (frame, language, headers) for a template in templates/groups/."""
    return render(request, template, context, viewer=viewer, status_code=status_code, folder="groups")


async def facilitator(viewer: Viewer = Depends(signed_in)) -> Viewer:
    if viewer.role not in groups.FACILITATING_ROLES:
        raise Forbidden("facilitators_only")
    return viewer


# ------------------------------------------------------------------------------------ registration

def _register_page(request: Request, *, error: str | None = None, email: str = "", name: str = "",
                   status_code: int = 200) -> Response:
    token = current_form_token(request) if request.method == "POST" else secrets.token_urlsafe(24)
    title = say(request_language(request), "register.title")
    response = _render(request, "register.html", {"title": title, "error": error,
                                                  "email": email, "name": name, "form_token": token,
                                                  "min_chars": accounts.MIN_PASSWORD_CHARS}, status_code=status_code)
    issue_form_token(request, response, token)
    return response


@router.get("/dashboard/groups/register")
def register_form(request: Request) -> Response:
    return _register_page(request)


@router.post("/dashboard/groups/register", dependencies=[Depends(form_protected)])
async def register(request: Request) -> Response:
    form = await request.form()
    email, name = str(form.get("email", ""))[:255].strip(), str(form.get("display_name", ""))[:120].strip()
    password, again = (str(form.get(k, ""))[:accounts.MAX_PASSWORD_CHARS] for k in ("password", "password_again"))
    cfg, where, lang = config(request), address(request), request_language(request)

    def work(session: Session) -> tuple[int, str | None]:
        if signin.login_blocked(session, cfg, where, email):
            return 429, say(lang, "errors.register_blocked")
        signin.record_login_attempt(session, cfg, where, email, succeeded=False)
        if password != again:
            return 422, say(lang, "errors.passwords_differ")
        try:
            accounts.check_password(password, email)
        except errors.AccountError as problem:
            return 422, problem.text(lang)
        if accounts.find_mentor(session, email) is not None:
            # The same answer as a new registration: this page must not tell who has an account.
            audit.record(session, None, "registration_for_existing_account", detail={"mentor": email}, address=where)
            return 202, None
        try:
            account = accounts.create_account(session, email=email, display_name=name, role="facilitator",
                                             password=password)
        except errors.AccountError as problem:
            return 422, problem.text(lang)
        # Nobody checked this address yet: the account waits until an admin activates it (Mentors page).
        account.active = False
        audit.record(session, account, "facilitator_registered", detail={"awaiting_approval": True}, address=where)
        return 202, None

    status, problem = await in_session(request, work)
    if problem:
        return _register_page(request, error=problem, email=email, name=name, status_code=status)
    return _render(request, "register_received.html", {"title": say(lang, "register_received.title")},
                   status_code=202)


# ------------------------------------------------------------------------------------ facilitator pages

def _own(session: Session, viewer: Viewer, group_id: int) -> Group:
    try:
        return groups.group_for_facilitator(session, group_id, viewer.id)
    except groups.NotAllowed:
        raise Forbidden("not_your_group") from None


def _day(moment, lang: str) -> str:
    return stamp(moment, lang, year=True, clock=False)


def _group_rows(session: Session, viewer: Viewer) -> list[dict[str, Any]]:
    return [{"id": g.id, "name": g.name, "language": g.language, "status": g.status,
             "members": len(groups.active_members(session, g)), "closed": _day(g.closed_at, viewer.lang)}
            for g in groups.facilitated(session, viewer.id)]


def _list_context(rows: list[dict[str, Any]], lang: str, **extra: Any) -> dict[str, Any]:
    """Open groups first; closed ones in their own list (members no longer see them)."""
    return {"title": say(lang, "groups.title"), "groups": [r for r in rows if r["status"] == "open"],
            "closed_groups": [r for r in rows if r["status"] != "open"], **extra}


@router.get("/dashboard/groups")
async def group_list(request: Request, viewer: Viewer = Depends(facilitator)) -> Response:
    rows = await in_session(request, lambda session: _group_rows(session, viewer))
    notice = say(viewer.lang, "notices.group_closed") if request.query_params.get("closed") else None
    return _render(request, "list.html", _list_context(rows, viewer.lang, notice=notice), viewer=viewer)


@router.post("/dashboard/groups")
async def group_create(request: Request, viewer: Viewer = Depends(facilitator)) -> Response:
    form = await request.form()
    name, language, rhythm = (str(form.get(k, "")) for k in ("name", "language", "rhythm"))

    def work(session: Session):
        try:
            group = groups.create_group(session, session.get(Mentor, viewer.id), name=name, language=language or "en",
                                        rhythm=rhythm)
        except groups.GroupError as problem:
            return None, problem.text(viewer.lang), _group_rows(session, viewer)
        audit.record(session, session.get(Mentor, viewer.id), "group_created", detail={"group": group.id},
                      address=address(request))
        return group.id, None, None

    group_id, problem, rows = await in_session(request, work)
    if problem:
        return _render(request, "list.html", _list_context(rows, viewer.lang, error=problem), viewer=viewer,
                       status_code=422)
    return redirect(request, f"/dashboard/groups/{group_id}")


def _detail_context(request: Request, session: Session, viewer: Viewer, group: Group) -> dict[str, Any]:
    """The facilitator reads the page in their own language, whatever the group's: theme choices and
    labels included (a theme is stored as an id, and members read it in the group's language)."""
    lang = viewer.lang
    page = groups.group_page(session, group, lang)
    members = [{"id": m.id, "nickname": m.nickname, "joined": _day(m.joined_at, lang)}
               for m in groups.active_members(session, group)]
    link = str(request.base_url).rstrip("/") + base(request) + f"/?group={group.invite_code}"
    return {"title": group.name, "group": page, "code": group.invite_code, "link": link, "member_rows": members,
            "dimensions": [(d, dimension(d, lang).name) for d in DIMENSIONS],
            "exercises": groups.exercise_choices(lang)}


@router.get("/dashboard/groups/{group_id}")
async def group_detail(group_id: RowId, request: Request, viewer: Viewer = Depends(facilitator)) -> Response:
    context = await in_session(request, lambda s: _detail_context(request, s, viewer, _own(s, viewer, group_id)))
    return _render(request, "detail.html", context, viewer=viewer)


async def _action(request: Request, viewer: Viewer, group_id: int, action: str, fn) -> Response:
    def work(session: Session):
        group = _own(session, viewer, group_id)
        try:
            fn(session, group)
        except groups.GroupError as problem:
            return _detail_context(request, session, viewer, group) | {"error": problem.text(viewer.lang)}
        audit.record(session, session.get(Mentor, viewer.id), action, detail={"group": group.id},
                      address=address(request))
        return None

    problem = await in_session(request, work)
    if problem:
        return _render(request, "detail.html", problem, viewer=viewer, status_code=422)
    return redirect(request, f"/dashboard/groups/{group_id}")


@router.post("/dashboard/groups/{group_id}/rotate")
async def group_rotate(group_id: RowId, request: Request, viewer: Viewer = Depends(facilitator)) -> Response:
    return await _action(request, viewer, group_id, "group_code_rotated", lambda s, g: groups.rotate_code(s, g))


@router.post("/dashboard/groups/{group_id}/close")
async def group_close(group_id: RowId, request: Request, viewer: Viewer = Depends(facilitator)) -> Response:
    form = await request.form()
    if form.get("confirm") != "yes":
        def unconfirmed(session: Session):
            context = _detail_context(request, session, viewer, _own(session, viewer, group_id))
            return context | {"error": say(viewer.lang, "errors.confirm_close")}
        return _render(request, "detail.html", await in_session(request, unconfirmed), viewer=viewer, status_code=422)
    response = await _action(request, viewer, group_id, "group_closed", lambda s, g: groups.close_group(s, g))
    if response.status_code == 303:
        return redirect(request, "/dashboard/groups", closed="1")
    return response


@router.post("/dashboard/groups/{group_id}/members/{membership_id}/remove")
async def group_remove(group_id: RowId, membership_id: RowId, request: Request,
                       viewer: Viewer = Depends(facilitator)) -> Response:
    return await _action(request, viewer, group_id, "group_member_removed",
                         lambda s, g: groups.remove_member(s, g, membership_id))


@router.post("/dashboard/groups/{group_id}/theme")
async def group_theme(group_id: RowId, request: Request, viewer: Viewer = Depends(facilitator)) -> Response:
    form = await request.form()
    kind = str(form.get("kind", ""))
    value = str(form.get(kind, "") or form.get("value", ""))
    return await _action(request, viewer, group_id, "group_theme_set", lambda s, g: groups.set_theme(s, g, kind, value))


@router.get("/dashboard/groups/{group_id}/map.png")
async def groupmap_png(group_id: RowId, request: Request, viewer: Viewer = Depends(facilitator)) -> Response:
    png = await in_session(request, lambda s: map_png(s, _own(s, viewer, group_id)))
    return secure_headers(Response(png, media_type="image/png"))


@router.get("/dashboard/groups/{group_id}/prepare")
async def group_prepare(group_id: RowId, request: Request, viewer: Viewer = Depends(facilitator)) -> Response:
    def work(session: Session):
        group = _own(session, viewer, group_id)
        return {"title": say(viewer.lang, "prepare.title", name=group.name),
                "group": groups.meeting_preparation(session, group, viewer.lang)}
    return _render(request, "prepare.html", await in_session(request, work), viewer=viewer)
