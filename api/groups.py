"""Self-help groups for their members, as JSON under /api/groups/{sender} (logic in bot/groups/rules.py):
the member is their anonymous sender id (as /api/me is). The facilitator's pages are
api/dashboard/groups.py.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.deps import in_session
from api.schemas import RowId, SenderId
from bot.content import text as content_text
from bot.groups import rules as groups
from bot.safety.dialogue import respond_to_crisis
from bot.storage.conversations import record_replies, record_user_message, touch_person
from bot.storage.models import Group, GroupReflection, Person
from bot.wellbeing import checkins
from bot.wellbeing.chart import radar_png

router = APIRouter(include_in_schema=False)
PNG_HEADERS = {"Cache-Control": "no-store"}


def map_png(session: Session, group: Group) -> bytes:
    """The group map (shared check-ins averaged), or 404 while too few members shared one."""
    mapped = groups.group_map(session, group)
    if mapped["checkin"] is None:
        raise HTTPException(status_code=404, detail=f"{mapped['needed']} more members need to share a check-in")
    return radar_png(mapped["checkin"], None, group.language)


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
async def membermap_png(sender: SenderId, group_id: RowId, request: Request) -> Response:

    def work(session: Session):
        _member(session, sender, group_id)
        return map_png(session, session.get(Group, group_id))
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
