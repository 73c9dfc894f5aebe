"""Self-help groups over HTTP (logic in bot/groups.py).

- Facilitator pages under /dashboard/groups, server-rendered with the dashboard's sessions, CSRF and
  audit; facilitators register themselves at /dashboard/groups/register.
- Member JSON under /api/groups/{sender}: the member is their anonymous sender id (as /api/me is).
"""
from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
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
from api.schemas import RowId, SenderId
from bot import checkins, groups, mentors
from bot.content import text as content_text
from bot.conversations import record_replies, record_user_message, touch_person
from bot.safety.dialogue import respond_to_crisis
from bot.storage.models import Group, GroupReflection, Mentor, Person
from bot.wellbeing.chart import radar_png
from bot.wellbeing.model import DIMENSIONS, dimension

router = APIRouter(include_in_schema=False)
PNG_HEADERS = {"Cache-Control": "no-store"}


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
                                                  "min_chars": mentors.MIN_PASSWORD_CHARS}, status_code=status_code)
    issue_form_token(request, response, token)
    return response


@router.get("/dashboard/groups/register")
def register_form(request: Request) -> Response:
    return _register_page(request)


@router.post("/dashboard/groups/register", dependencies=[Depends(form_protected)])
async def register(request: Request) -> Response:
    form = await request.form()
    email, name = str(form.get("email", ""))[:255].strip(), str(form.get("display_name", ""))[:120].strip()
    password, again = (str(form.get(k, ""))[:mentors.MAX_PASSWORD_CHARS] for k in ("password", "password_again"))
    cfg, where, lang = config(request), address(request), request_language(request)

    def work(session: Session) -> tuple[int, str | None]:
        if mentors.login_blocked(session, cfg, where, email):
            return 429, say(lang, "errors.register_blocked")
        mentors.record_login_attempt(session, cfg, where, email, succeeded=False)
        if password != again:
            return 422, say(lang, "errors.passwords_differ")
        try:
            mentors.check_password(password, email)
        except mentors.AccountError as problem:
            return 422, problem.text(lang)
        if mentors.find_mentor(session, email) is not None:
            # The same answer as a new registration: this page must not tell who has an account.
            mentors.audit(session, None, "registration_for_existing_account", detail={"mentor": email}, address=where)
            return 202, None
        try:
            account = mentors.create_account(session, email=email, display_name=name, role="facilitator",
                                             password=password)
        except mentors.AccountError as problem:
            return 422, problem.text(lang)
        # Nobody checked this address yet: the account waits until an admin activates it (Mentors page).
        account.active = False
        mentors.audit(session, account, "facilitator_registered", detail={"awaiting_approval": True}, address=where)
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
        mentors.audit(session, session.get(Mentor, viewer.id), "group_created", detail={"group": group.id},
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
        mentors.audit(session, session.get(Mentor, viewer.id), action, detail={"group": group.id},
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


def _map_png(session: Session, group: Group) -> bytes:
    mapped = groups.group_map(session, group)
    if mapped["checkin"] is None:
        raise HTTPException(status_code=404, detail=f"{mapped['needed']} more members need to share a check-in")
    return radar_png(mapped["checkin"], None, group.language)


@router.get("/dashboard/groups/{group_id}/map.png")
async def group_map_png(group_id: RowId, request: Request, viewer: Viewer = Depends(facilitator)) -> Response:
    png = await in_session(request, lambda s: _map_png(s, _own(s, viewer, group_id)))
    return secure_headers(Response(png, media_type="image/png"))


@router.get("/dashboard/groups/{group_id}/prepare")
async def group_prepare(group_id: RowId, request: Request, viewer: Viewer = Depends(facilitator)) -> Response:
    def work(session: Session):
        group = _own(session, viewer, group_id)
        return {"title": say(viewer.lang, "prepare.title", name=group.name),
                "group": groups.meeting_preparation(session, group, viewer.lang)}
    return _render(request, "prepare.html", await in_session(request, work), viewer=viewer)


# ------------------------------------------------------------------------------------ members (JSON)
# Errors carry the person-facing words in both languages (message_en, message_nl) and `message` in
# the language asked for (?lang=, else the body's or English), like the chat endpoint's 503.

class JoinBody(BaseModel):
    code: str = Field(max_length=64)
    nickname: str = Field(max_length=80)
    language: str = Field("en", pattern="^(en|nl)$")


class LeaveBody(BaseModel):
    keep_shared: bool = False


class ShareBody(BaseModel):
    text: str = Field(max_length=groups.MAX_REFLECTION_CHARS)


class ReflectionBody(BaseModel):
    text: str = Field(max_length=groups.MAX_REFLECTION_CHARS)
    share: bool = False


class CheckinShareBody(BaseModel):
    share: bool = True


LangQuery = Query(None, pattern="^(en|nl)$")


def _refusal(status: int, code: str, error, lang: str | None) -> HTTPException:
    return HTTPException(status_code=status, detail={
        "code": code, "message": error.text(lang or "en"),
        "message_en": error.text("en"), "message_nl": error.text("nl")})


def _member(session: Session, sender: str, group_id: int, lang: str | None = None):
    try:
        return groups.membership_for(session, sender, group_id)
    except groups.NotAllowed as problem:
        if problem.key == "closed":
            raise _refusal(410, "group_closed", problem, lang) from None
        raise _refusal(403, "not_a_member", problem, lang) from None


def _crisis_instead(session: Session, sender: str, group: Group, text: str, assessment) -> dict[str, Any]:
    """A reflection with crisis signals is never kept or shared: it is handled as a crisis chat message
    (stored, case opened, help lines returned, the dialogue told on the next turn)."""
    person = session.get(Person, sender) or touch_person(session, sender, group.language, None)
    message = record_user_message(session, person, text, person.language)
    message.status = "handled_by_gateway"
    crisis = respond_to_crisis(session, person, assessment, text=text, message_id=message.id, source="group_share")
    person.dialogue_crisis_pending = True
    record_replies(session, sender, crisis.replies, person.language)
    return {"shared": False, "kept": False, "crisis": True, "replies": crisis.replies}


@router.post("/api/groups/{sender}/join")
async def member_join(sender: SenderId, body: JoinBody, request: Request) -> Any:

    def work(session: Session):
        touch_person(session, sender, body.language, None)
        try:
            membership = groups.join(session, sender, body.code, body.nickname)
        except groups.GroupError as problem:
            session.rollback()
            return None, problem
        group = session.get(Group, membership.group_id)
        return {"group_id": group.id, "name": group.name, "nickname": membership.nickname}, None

    joined, problem = await in_session(request, work)
    if problem:
        raise _refusal(422, "cannot_join", problem, body.language)
    return joined


@router.get("/api/groups/{sender}")
async def member_groups(sender: SenderId, request: Request, lang: str | None = LangQuery) -> dict[str, Any]:
    """The person's open groups, with the current theme offered once (not nagged)."""

    def work(session: Session):
        rows = []
        for membership in groups.memberships(session, sender):
            group = session.get(Group, membership.group_id)
            invitation = groups.theme_invitation(session, membership)
            theme = groups.theme_view(invitation, lang or group.language)
            rows.append({"group_id": group.id, "name": group.name, "nickname": membership.nickname,
                         "status": group.status, "shares_checkin": membership.shares_checkin,
                         "new_theme": theme,
                         "invitation": content_text(lang or group.language, "groups.invitation", name=group.name,
                                                    label=theme["label"]) if theme else None})
        return {"groups": rows}
    return await in_session(request, work)


@router.get("/api/groups/{sender}/{group_id}")
async def member_group_page(sender: SenderId, group_id: RowId, request: Request, lang: str | None = LangQuery) -> dict[str, Any]:

    def work(session: Session):
        membership = _member(session, sender, group_id, lang)
        group = session.get(Group, group_id)
        page = groups.group_page(session, group, lang)
        page["me"] = {"nickname": membership.nickname, "shares_checkin": membership.shares_checkin,
                      "has_checkin": bool(checkins.completed(session, sender)), "membership_id": membership.id}
        page["mine"] = groups.my_reflections(session, membership)
        mine = {r["shared_item_id"] for r in page["mine"]}
        for item in page["shared"]:
            item["mine"] = item["id"] in mine
        return page
    return await in_session(request, work)


@router.get("/api/groups/{sender}/{group_id}/map.png")
async def member_map_png(sender: SenderId, group_id: RowId, request: Request) -> Response:

    def work(session: Session):
        _member(session, sender, group_id)
        return _map_png(session, session.get(Group, group_id))
    return Response(await in_session(request, work), media_type="image/png", headers=PNG_HEADERS)


@router.post("/api/groups/{sender}/{group_id}/leave")
async def member_leave(sender: SenderId, group_id: RowId, body: LeaveBody, request: Request,
                       lang: str | None = LangQuery) -> dict[str, Any]:

    def work(session: Session):
        groups.leave(session, _member(session, sender, group_id, lang), keep_shared=body.keep_shared)
        return {"left": True, "kept_anonymously": body.keep_shared}
    return await in_session(request, work)


def _write(request: Request, sender: str, group_id: int, text: str, share: bool, lang: str | None):
    def work(session: Session):
        membership = _member(session, sender, group_id, lang)
        group = session.get(Group, group_id)
        language = lang or group.language
        try:
            if share:
                outcome = groups.share(session, membership, text, language)
            else:
                reflection, assessment = groups.write_reflection(session, membership, text, language)
                outcome = groups.ShareOutcome(shared=False, crisis=assessment,
                                              reflection_id=reflection.id if reflection else None)
        except groups.GroupError as problem:
            raise _refusal(422, "cannot_share", problem, lang) from None
        if outcome.crisis is not None:
            return _crisis_instead(session, sender, group, text, outcome.crisis)
        return {"shared": outcome.shared, "kept": True, "reflection_id": outcome.reflection_id,
                **({"item_id": outcome.item_id} if outcome.shared else {})}
    return in_session(request, work)


@router.post("/api/groups/{sender}/{group_id}/reflections")
async def member_reflect(sender: SenderId, group_id: RowId, body: ReflectionBody, request: Request,
                         lang: str | None = LangQuery) -> Any:
    """Write a reflection: kept for the member only, or shared with the group at once (`share`)."""
    return await _write(request, sender, group_id, body.text, body.share, lang)


@router.post("/api/groups/{sender}/{group_id}/share")
async def member_share(sender: SenderId, group_id: RowId, body: ShareBody, request: Request,
                       lang: str | None = LangQuery) -> Any:
    """Write and share a reflection in one go (the same as reflections with share=true)."""
    return await _write(request, sender, group_id, body.text, True, lang)


@router.post("/api/groups/{sender}/{group_id}/reflections/{reflection_id}/share")
async def member_share_reflection(sender: SenderId, group_id: RowId, reflection_id: RowId, request: Request,
                                  lang: str | None = LangQuery) -> Any:
    """Share one of the member's own private reflections."""

    def work(session: Session):
        membership = _member(session, sender, group_id, lang)
        group = session.get(Group, group_id)
        try:
            outcome = groups.share_reflection(session, membership, reflection_id, lang or group.language)
        except groups.GroupError as problem:
            raise _refusal(422, "cannot_share", problem, lang) from None
        if not outcome.shared:
            text = session.get(GroupReflection, reflection_id).text
            return _crisis_instead(session, sender, group, text, outcome.crisis)
        return {"shared": True, "item_id": outcome.item_id}
    return await in_session(request, work)


@router.post("/api/groups/{sender}/{group_id}/shared/{item_id}/withdraw")
async def member_withdraw(sender: SenderId, group_id: RowId, item_id: RowId, request: Request,
                          lang: str | None = LangQuery) -> Any:
    """Take a shared reflection back from the group; the member keeps it privately."""

    def work(session: Session):
        try:
            groups.unshare(session, _member(session, sender, group_id, lang), item_id)
        except groups.GroupError as problem:
            raise _refusal(422, "cannot_withdraw", problem, lang) from None
        return {"withdrawn": True}
    return await in_session(request, work)


@router.post("/api/groups/{sender}/{group_id}/checkin")
async def member_share_checkin(sender: SenderId, group_id: RowId, body: CheckinShareBody, request: Request,
                               lang: str | None = LangQuery) -> Any:

    def work(session: Session):
        if not groups.share_checkin(session, _member(session, sender, group_id, lang), body.share):
            raise _refusal(422, "no_checkin", groups.GroupError("no_checkin"), lang)
        return {"shares_checkin": body.share}
    return await in_session(request, work)
