"""Self-help groups between meetings: groups, members under nicknames, a theme, shared reflections and
the group map. No web framework here; api/groups.py is thin over this module.

Privacy rules kept here (and tested in tests/groups/):
- Nobody sees anything a member did not share: reflections reach the group only through `share`,
  check-ins only through `share_checkin`, and the group map is an average shown only when at least
  `MAP_MINIMUM` members shared.
- A reflection with crisis signals is never shared: `share` returns the assessment so the caller
  handles it like any chat message (help lines, escalation to mentors).
- A member who leaves chooses: their shared items are withdrawn (deleted) or kept anonymously. A
  removed member loses access at once.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot import checkins
from bot.crisis import detect
from bot.exercises import library
from bot.storage.models import Group, GroupMembership, GroupSharedItem, GroupTheme, Mentor, utcnow
from bot.wellbeing.model import DIMENSIONS, CheckIn, DimensionAnswer

MAP_MINIMUM = 3
MAX_REFLECTION_CHARS = 4000
LANGUAGES = ("en", "nl")
THEME_KINDS = ("dimension", "question", "exercise")
FACILITATING_ROLES = ("facilitator", "admin")
# No 0/O/1/I/L: codes are read aloud and typed from paper.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_NICKNAME = re.compile(r"^[\w .'-]{1,40}$", re.UNICODE)


class GroupError(ValueError):
    """A request that cannot be done as asked; the message is safe to show."""


class NotAllowed(PermissionError):
    """Not this person's group (or they were removed, or it is closed)."""


@dataclass(frozen=True)
class ShareOutcome:
    shared: bool
    item_id: int | None = None
    crisis: Any = None  # the CrisisAssessment when the text had crisis signals (then never shared)


# ------------------------------------------------------------------------------------ facilitator side

def new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", (code or "")).upper()[:32]


def create_group(session: Session, facilitator: Mentor, *, name: str, language: str = "en", rhythm: str = "") -> Group:
    if facilitator.role not in FACILITATING_ROLES:
        raise NotAllowed("Only facilitators can open a group.")
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise GroupError("A group needs a name of at most 120 characters.")
    if language not in LANGUAGES:
        raise GroupError("The language must be English (en) or Dutch (nl).")
    group = Group(facilitator_id=facilitator.id, name=name, language=language, rhythm=(rhythm or "").strip()[:120],
                  invite_code=new_code(), status="open")
    session.add(group)
    session.flush()
    return group


def facilitated(session: Session, facilitator_id: int) -> list[Group]:
    return list(session.scalars(select(Group).where(Group.facilitator_id == facilitator_id).order_by(Group.id)))


def group_for_facilitator(session: Session, group_id: int, facilitator_id: int) -> Group:
    group = session.get(Group, group_id)
    if group is None or group.facilitator_id != facilitator_id:
        raise NotAllowed("Not your group.")
    return group


def rotate_code(session: Session, group: Group) -> str:
    group.invite_code = new_code()
    session.flush()
    return group.invite_code


def close_group(session: Session, group: Group) -> None:
    group.status = "closed"
    group.closed_at = utcnow()
    session.flush()


def remove_member(session: Session, group: Group, membership_id: int) -> None:
    membership = session.get(GroupMembership, membership_id)
    if membership is None or membership.group_id != group.id or membership.left_at is not None:
        raise GroupError("That member is not in the group.")
    membership.left_at, membership.left_how, membership.shares_checkin = utcnow(), "removed", False
    session.flush()


def set_theme(session: Session, group: Group, kind: str, value: str) -> GroupTheme:
    value = (value or "").strip()
    if kind not in THEME_KINDS:
        raise GroupError("A theme is a dimension, a question or an exercise.")
    if kind == "dimension" and value not in DIMENSIONS:
        raise GroupError(f"The dimension must be one of {', '.join(DIMENSIONS)}.")
    if kind == "exercise" and not library.exists(value):
        raise GroupError("That exercise is not in the library.")
    if kind == "question" and not 3 <= len(value) <= 500:
        raise GroupError("A question needs 3 to 500 characters.")
    theme = GroupTheme(group_id=group.id, kind=kind, value=value)
    session.add(theme)
    session.flush()
    return theme


def current_theme(session: Session, group: Group) -> GroupTheme | None:
    return session.scalars(select(GroupTheme).where(GroupTheme.group_id == group.id)
                           .order_by(GroupTheme.id.desc())).first()


def theme_view(theme: GroupTheme | None, lang: str) -> dict[str, Any] | None:
    if theme is None:
        return None
    label = theme.value
    if theme.kind == "exercise":
        try:
            label = library.exercise(theme.value, lang).title
        except Exception:  # an exercise removed from the library later: show its id
            label = theme.value
    return {"id": theme.id, "kind": theme.kind, "value": theme.value, "label": label,
            "set_at": theme.set_at.isoformat()}


def exercise_choices(lang: str) -> list[tuple[str, str]]:
    return [(exercise.id, exercise.title) for exercise in library.exercises(lang)]


# ------------------------------------------------------------------------------------ member side

def active_members(session: Session, group: Group) -> list[GroupMembership]:
    return list(session.scalars(select(GroupMembership).where(
        GroupMembership.group_id == group.id, GroupMembership.left_at.is_(None)).order_by(GroupMembership.id)))


def join(session: Session, person_id: str, code: str, nickname: str) -> GroupMembership:
    group = session.scalars(select(Group).where(Group.invite_code == normalise_code(code))).first()
    if group is None or group.status != "open":
        raise GroupError("That code does not open a group. Check it with your facilitator.")
    nickname = " ".join((nickname or "").split())
    if not _NICKNAME.match(nickname):
        raise GroupError("Choose a nickname of 1 to 40 letters, digits or spaces.")
    for member in active_members(session, group):
        if member.person_id == person_id:
            return member
        if member.nickname.casefold() == nickname.casefold():
            raise GroupError("Someone in the group already uses that nickname; choose another.")
    if session.scalars(select(GroupMembership).where(
            GroupMembership.group_id == group.id, GroupMembership.person_id == person_id,
            GroupMembership.left_how == "removed")).first() is not None:
        raise GroupError("That code does not open a group. Check it with your facilitator.")
    membership = GroupMembership(group_id=group.id, person_id=person_id, nickname=nickname)
    session.add(membership)
    session.flush()
    return membership


def memberships(session: Session, person_id: str) -> list[GroupMembership]:
    return list(session.scalars(select(GroupMembership).where(
        GroupMembership.person_id == person_id, GroupMembership.left_at.is_(None)).order_by(GroupMembership.id)))


def membership_for(session: Session, person_id: str, group_id: int) -> GroupMembership:
    """The person's current membership of the group, or NotAllowed (not a member, left, removed)."""
    membership = session.scalars(select(GroupMembership).where(
        GroupMembership.person_id == person_id, GroupMembership.group_id == group_id,
        GroupMembership.left_at.is_(None))).first()
    if membership is None:
        raise NotAllowed("You are not a member of this group.")
    return membership


def leave(session: Session, membership: GroupMembership, *, keep_shared: bool) -> None:
    """Leave; shared items are withdrawn (deleted) or kept without the nickname."""
    items = GroupSharedItem.membership_id == membership.id
    if keep_shared:
        for item in session.scalars(select(GroupSharedItem).where(items)):
            item.anonymous, item.membership_id = True, None
    else:
        session.execute(delete(GroupSharedItem).where(items))
    membership.left_at, membership.left_how, membership.shares_checkin = utcnow(), "left", False
    session.flush()


def theme_invitation(session: Session, membership: GroupMembership) -> GroupTheme | None:
    """The current theme once per theme (not nagged): None when already offered."""
    theme = current_theme(session, session.get(Group, membership.group_id))
    if theme is None or membership.theme_seen_id == theme.id:
        return None
    membership.theme_seen_id = theme.id
    session.flush()
    return theme


def share(session: Session, membership: GroupMembership, text: str, lang: str = "en") -> ShareOutcome:
    """Share a reflection with the group — unless it has crisis signals: then nothing is stored for the
    group and the assessment comes back to be handled as a crisis."""
    group = session.get(Group, membership.group_id)
    if group.status != "open":
        raise GroupError("This group is closed.")
    text = (text or "").strip()
    if not text or len(text) > MAX_REFLECTION_CHARS:
        raise GroupError(f"A reflection needs 1 to {MAX_REFLECTION_CHARS} characters.")
    assessment = detect(text, lang)
    if assessment.crisis:
        return ShareOutcome(shared=False, crisis=assessment)
    theme = current_theme(session, group)
    item = GroupSharedItem(group_id=group.id, membership_id=membership.id, theme_id=theme.id if theme else None,
                           text=text)
    session.add(item)
    session.flush()
    return ShareOutcome(shared=True, item_id=item.id)


def share_checkin(session: Session, membership: GroupMembership, on: bool = True) -> bool:
    """Show (or stop showing) the member's latest check-in in the group map. False: no check-in yet."""
    if on and not checkins.completed(session, membership.person_id):
        return False
    membership.shares_checkin = on
    session.flush()
    return True


# ------------------------------------------------------------------------------------ what the group sees

def shared_items(session: Session, group: Group) -> list[dict[str, Any]]:
    rows = session.execute(
        select(GroupSharedItem, GroupMembership.nickname)
        .outerjoin(GroupMembership, GroupSharedItem.membership_id == GroupMembership.id)
        .where(GroupSharedItem.group_id == group.id).order_by(GroupSharedItem.id))
    return [{"id": item.id, "nickname": None if item.anonymous else nickname, "text": item.text,
             "theme_id": item.theme_id, "shared_at": item.shared_at.isoformat()} for item, nickname in rows]


def group_map(session: Session, group: Group) -> dict[str, Any]:
    """{"sharers": n, "needed": k, "checkin": CheckIn | None}: the average of the latest check-ins of the
    members who share theirs, only with at least MAP_MINIMUM of them."""
    latest = []
    for member in active_members(session, group):
        if member.shares_checkin:
            done = checkins.completed(session, member.person_id)
            if done:
                latest.append(checkins.as_checkin(done[-1]))
    needed = max(0, MAP_MINIMUM - len(latest))
    if needed:
        return {"sharers": len(latest), "needed": needed, "checkin": None}
    return {"sharers": len(latest), "needed": 0, "checkin": average(latest)}


def average(items: list[CheckIn]) -> CheckIn:
    answers: dict[str, DimensionAnswer | None] = {}
    for dimension in DIMENSIONS:
        def mean(series: str, dimension: str = dimension) -> int | None:
            numbers = [getattr(c.answer(dimension), series) for c in items if c.answer(dimension) is not None]
            numbers = [n for n in numbers if n is not None]
            return round(sum(numbers) / len(numbers)) if numbers else None
        investment, fulfilment = mean("investment"), mean("fulfilment")
        answers[dimension] = (DimensionAnswer(dimension=dimension, investment=investment, fulfilment=fulfilment)
                              if investment is not None or fulfilment is not None else None)
    return CheckIn(answers=answers, taken_at=max(c.taken_at for c in items))


def group_page(session: Session, group: Group) -> dict[str, Any]:
    """What members and the facilitator see: no person ids, no unshared content."""
    members = active_members(session, group)
    mapped = group_map(session, group)
    return {
        "id": group.id, "name": group.name, "language": group.language, "rhythm": group.rhythm,
        "status": group.status, "members": [m.nickname for m in members],
        "theme": theme_view(current_theme(session, group), group.language),
        "shared": shared_items(session, group),
        "map": {"sharers": mapped["sharers"], "needed": mapped["needed"], "shown": mapped["checkin"] is not None},
    }


def meeting_preparation(session: Session, group: Group) -> dict[str, Any]:
    """The group page plus participation counts (never who)."""
    page = group_page(session, group)
    theme = current_theme(session, group)
    on_theme = [item for item in page["shared"] if theme is not None and item["theme_id"] == theme.id]
    sharing_members = session.scalar(select(func.count(func.distinct(GroupSharedItem.membership_id))).where(
        GroupSharedItem.group_id == group.id, GroupSharedItem.membership_id.is_not(None)))
    page["counts"] = {"members": len(page["members"]), "shared_reflections": len(page["shared"]),
                      "reflections_on_theme": len(on_theme), "members_who_shared": sharing_members or 0,
                      "checkins_in_map": page["map"]["sharers"]}
    return page


def when(moment: datetime | None) -> str:
    return moment.strftime("%d %b %Y") if moment else ""
