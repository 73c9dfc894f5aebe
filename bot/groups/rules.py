"""Self-help groups between meetings: groups, members under nicknames, a theme, shared reflections and
the group map. No web framework here; api/groups.py is thin over this module.

Privacy rules kept here (and tested in tests/groups/):
- Nobody sees anything a member did not share: reflections reach the group only through `share`,
  check-ins only through `share_checkin`, and the group map is an average shown only when at least
  `MAP_MINIMUM` members shared; each side of life on it needs `MAP_MINIMUM` answers of its own (two
  skips must not leave one person's numbers), and the map rests for `MAP_REST_DAYS` after anyone
  joins or leaves (comparing the map before and after would show that member's numbers).
- A reflection with crisis signals is never shared: `share` returns the assessment so the caller
  handles it like any chat message (help lines, escalation to mentors).
- A reflection is the member's own (`write_reflection`) until they share it (`share_reflection`);
  a shared one can be taken back (`unshare`) and stays theirs.
- A member who leaves chooses: their shared items are withdrawn (deleted) or kept anonymously. A
  removed member loses access at once; a closed group disappears from its members' view.
- Error messages are content (`groups.errors.*` in both languages): `GroupError.text(lang)`.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot import content
from bot.config import SUPPORTED_LANGUAGES
from bot.crisis import detect
from bot.exercises import library
from bot.storage.models import (
    Group,
    GroupDialogue,
    GroupMembership,
    GroupReflection,
    GroupSharedItem,
    GroupTheme,
    Mentor,
    utcnow,
)
from bot.text import one_line
from bot.wellbeing import checkins
from bot.wellbeing.chart import radar_alt_text
from bot.wellbeing.model import DIMENSIONS, CheckIn, DimensionAnswer
from bot.wellbeing.model import dimension as dimension_of

MAP_MINIMUM = 3
MAP_REST_DAYS = 7
MAX_REFLECTION_CHARS = 4000
LANGUAGES = SUPPORTED_LANGUAGES
THEME_KINDS = ("dimension", "question", "exercise")
FACILITATING_ROLES = ("facilitator", "admin")
# No 0/O/1/I/L: codes are read aloud and typed from paper.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_NICKNAME = re.compile(r"^[\w .'-]{1,40}$", re.UNICODE)


class _Explained(content.Explained):
    """An error whose words live in bot/content/<lang>/groups.yml (`errors.<key>`)."""

    where = "groups.errors"


class GroupError(_Explained, ValueError):
    """A request that cannot be done as asked; `text(lang)` is safe to show."""


class NotAllowed(_Explained, PermissionError):
    """Not this person's group: not a member, left, removed (`not_member`), or closed (`closed`)."""


@dataclass(frozen=True)
class ShareOutcome:
    shared: bool
    item_id: int | None = None
    crisis: Any = None  # the CrisisAssessment when the text had crisis signals (then never shared)
    reflection_id: int | None = None


# ------------------------------------------------------------------------------------ facilitator side

def new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", (code or "")).upper()[:32]


def create_group(session: Session, facilitator: Mentor, *, name: str, language: str = "en", rhythm: str = "") -> Group:
    if facilitator.role not in FACILITATING_ROLES:
        raise NotAllowed("only_facilitators")
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise GroupError("name_invalid")
    if language not in LANGUAGES:
        raise GroupError("language_invalid")
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
        raise NotAllowed("not_member")
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
        raise GroupError("member_missing")
    membership.left_at, membership.left_how, membership.shares_checkin = utcnow(), "removed", False
    session.flush()


def set_theme(session: Session, group: Group, kind: str, value: str) -> GroupTheme:
    value = (value or "").strip()
    if kind not in THEME_KINDS:
        raise GroupError("theme_kind")
    if kind == "dimension" and value not in DIMENSIONS:
        raise GroupError("theme_dimension", dimensions=", ".join(DIMENSIONS))
    if kind == "exercise" and not library.exists(value):
        raise GroupError("theme_exercise")
    if kind == "question" and not 3 <= len(value) <= 500:
        raise GroupError("theme_question")
    theme = GroupTheme(group_id=group.id, kind=kind, value=value)
    session.add(theme)
    session.flush()
    return theme


def current_theme(session: Session, group: Group) -> GroupTheme | None:
    return session.scalars(select(GroupTheme).where(GroupTheme.group_id == group.id)
                           .order_by(GroupTheme.id.desc())).first()


def theme_view(theme: GroupTheme | None, lang: str) -> dict[str, Any] | None:
    """A theme as people read it: the dimension's name or the exercise's title in `lang`."""
    if theme is None:
        return None
    label = theme.value
    if theme.kind == "dimension" and theme.value in DIMENSIONS:
        label = dimension_of(theme.value, lang).name
    elif theme.kind == "exercise":
        try:
            label = library.exercise(theme.value, lang).title
        except Exception:  # an exercise removed from the library later: show its id
            label = theme.value
    return {"id": theme.id, "kind": theme.kind, "kind_label": content.text(lang, f"groups.kinds.{theme.kind}"),
            "value": theme.value, "label": label, "set_at": theme.set_at.isoformat()}


def exercise_choices(lang: str) -> list[tuple[str, str]]:
    return [(exercise.id, library.shown_title(exercise)) for exercise in library.exercises(lang)]


# ------------------------------------------------------------------------------------ member side

def active_members(session: Session, group: Group) -> list[GroupMembership]:
    return list(session.scalars(select(GroupMembership).where(
        GroupMembership.group_id == group.id, GroupMembership.left_at.is_(None)).order_by(GroupMembership.id)))


def open_group_by_code(session: Session, code: str) -> Group | None:
    group = session.scalars(select(Group).where(Group.invite_code == normalise_code(code))).first()
    return group if group is not None and group.status == "open" else None


def membership_in(session: Session, group: Group, person_id: str) -> GroupMembership | None:
    return session.scalars(select(GroupMembership).where(
        GroupMembership.group_id == group.id, GroupMembership.person_id == person_id,
        GroupMembership.left_at.is_(None))).first()


def join(session: Session, person_id: str, code: str, nickname: str) -> GroupMembership:
    group = open_group_by_code(session, code)
    if group is None:
        raise GroupError("code_unknown")
    nickname = one_line(nickname or "")
    if not _NICKNAME.match(nickname):
        raise GroupError("nickname_invalid")
    for member in active_members(session, group):
        if member.person_id == person_id:
            return member
        if member.nickname.casefold() == nickname.casefold():
            raise GroupError("nickname_taken")
    if session.scalars(select(GroupMembership).where(
            GroupMembership.group_id == group.id, GroupMembership.person_id == person_id,
            GroupMembership.left_how == "removed")).first() is not None:
        raise GroupError("code_unknown")  # a removed member is told no more than a wrong code would
    membership = GroupMembership(group_id=group.id, person_id=person_id, nickname=nickname)
    session.add(membership)
    session.flush()
    return membership


def memberships(session: Session, person_id: str) -> list[GroupMembership]:
    """The person's groups that are still open (a closed group disappears from a member's view)."""
    return list(session.scalars(
        select(GroupMembership).join(Group, Group.id == GroupMembership.group_id)
        .where(GroupMembership.person_id == person_id, GroupMembership.left_at.is_(None), Group.status == "open")
        .order_by(GroupMembership.id)))


def membership_for(session: Session, person_id: str, group_id: int) -> GroupMembership:
    """The person's current membership of an open group, or NotAllowed (`not_member`: never joined,
    left or removed; `closed`: the facilitator closed the group)."""
    group = session.get(Group, group_id)
    membership = membership_in(session, group, person_id) if group is not None else None
    if membership is None:
        raise NotAllowed("not_member")
    if group.status != "open":
        raise NotAllowed("closed")
    return membership


def leave(session: Session, membership: GroupMembership, *, keep_shared: bool) -> None:
    """Leave; shared items are withdrawn (deleted) or kept without the nickname. The member's own
    reflections stay theirs (in their export) until they delete their data."""
    items = GroupSharedItem.membership_id == membership.id
    if keep_shared:
        for item in session.scalars(select(GroupSharedItem).where(items)):
            item.anonymous, item.membership_id = True, None
    else:
        _withdraw(session, list(session.scalars(select(GroupSharedItem.id).where(items))))
    membership.left_at, membership.left_how, membership.shares_checkin = utcnow(), "left", False
    session.flush()


def theme_invitation(session: Session, membership: GroupMembership) -> GroupTheme | None:
    """The current theme once per theme (not nagged): None when already offered."""
    theme = current_theme(session, session.get(Group, membership.group_id))
    if theme is None or membership.theme_seen_id == theme.id:
        return None
    mark_theme_seen(session, membership, theme)
    return theme


def mark_theme_seen(session: Session, membership: GroupMembership, theme: GroupTheme) -> None:
    membership.theme_seen_id = theme.id
    session.flush()


def write_reflection(session: Session, membership: GroupMembership, text: str,
                     lang: str = "en") -> tuple[GroupReflection | None, Any]:
    """Keep a reflection for the member only. With crisis signals nothing is kept: (None, assessment)
    comes back for the caller to handle like any crisis message."""
    group = session.get(Group, membership.group_id)
    if group.status != "open":
        raise GroupError("closed")
    text = (text or "").strip()
    if not text or len(text) > MAX_REFLECTION_CHARS:
        raise GroupError("reflection_length", max=MAX_REFLECTION_CHARS)
    assessment = detect(text, lang)
    if assessment.crisis:
        return None, assessment
    theme = current_theme(session, group)
    reflection = GroupReflection(person_id=membership.person_id, group_id=group.id,
                                 theme_id=theme.id if theme else None, text=text)
    session.add(reflection)
    session.flush()
    return reflection, None


def share_reflection(session: Session, membership: GroupMembership, reflection_id: int,
                     lang: str = "en") -> ShareOutcome:
    """Share one of the member's own reflections with the group (checked for crisis signals again:
    the detector may know more by now than when it was written)."""
    reflection = session.get(GroupReflection, reflection_id)
    if reflection is None or reflection.person_id != membership.person_id or reflection.group_id != membership.group_id:
        raise GroupError("reflection_missing")
    if session.get(Group, membership.group_id).status != "open":
        raise GroupError("closed")
    if reflection.shared_item_id is not None:
        return ShareOutcome(shared=True, item_id=reflection.shared_item_id, reflection_id=reflection.id)
    assessment = detect(reflection.text, lang)
    if assessment.crisis:
        return ShareOutcome(shared=False, crisis=assessment, reflection_id=reflection.id)
    return _publish(session, membership, reflection)


def share(session: Session, membership: GroupMembership, text: str, lang: str = "en") -> ShareOutcome:
    """Write a reflection and share it at once — unless it has crisis signals: then nothing is stored
    for the group (nor kept as a reflection) and the assessment comes back to be handled as a crisis."""
    reflection, assessment = write_reflection(session, membership, text, lang)
    if reflection is None:
        return ShareOutcome(shared=False, crisis=assessment)
    return _publish(session, membership, reflection)  # checked a moment ago by write_reflection


def _publish(session: Session, membership: GroupMembership, reflection: GroupReflection) -> ShareOutcome:
    item = GroupSharedItem(group_id=membership.group_id, membership_id=membership.id, theme_id=reflection.theme_id,
                           text=reflection.text)
    session.add(item)
    session.flush()
    reflection.shared_item_id = item.id
    session.flush()
    return ShareOutcome(shared=True, item_id=item.id, reflection_id=reflection.id)


def unshare(session: Session, membership: GroupMembership, item_id: int) -> None:
    """Take one shared reflection back from the group; the member keeps it privately."""
    item = session.get(GroupSharedItem, item_id)
    if item is None or item.membership_id != membership.id:
        raise GroupError("not_shared")
    _withdraw(session, [item.id])


def _withdraw(session: Session, item_ids: list[int]) -> None:
    if not item_ids:
        return
    for reflection in session.scalars(select(GroupReflection).where(GroupReflection.shared_item_id.in_(item_ids))):
        reflection.shared_item_id = None
    session.flush()
    session.execute(delete(GroupSharedItem).where(GroupSharedItem.id.in_(item_ids)))
    session.flush()


def my_reflections(session: Session, membership: GroupMembership) -> list[dict[str, Any]]:
    """The member's own reflections in this group, newest first, with whether each is shared."""
    rows = session.scalars(select(GroupReflection).where(
        GroupReflection.person_id == membership.person_id, GroupReflection.group_id == membership.group_id)
        .order_by(GroupReflection.id.desc()))
    return [{"id": r.id, "text": r.text, "theme_id": r.theme_id, "written_at": r.written_at.isoformat(),
             "shared": r.shared_item_id is not None, "shared_item_id": r.shared_item_id} for r in rows]


def share_checkin(session: Session, membership: GroupMembership, on: bool = True) -> bool:
    """Show (or stop showing) the member's latest check-in in the group map. False: no check-in yet."""
    if on and not checkins.completed(session, membership.person_id):
        return False
    membership.shares_checkin = on
    session.flush()
    return True


def forget_person(session: Session, person_id: str) -> dict[str, int]:
    """"Delete all my data": shared items are withdrawn, reflections and the group conversation go,
    and the person leaves every group."""
    mine = list(session.scalars(select(GroupMembership).where(GroupMembership.person_id == person_id)))
    shared = list(session.scalars(select(GroupSharedItem.id).where(
        GroupSharedItem.membership_id.in_([m.id for m in mine])))) if mine else []
    _withdraw(session, shared)
    reflections = session.execute(delete(GroupReflection).where(GroupReflection.person_id == person_id)).rowcount
    session.execute(delete(GroupDialogue).where(GroupDialogue.person_id == person_id))
    for membership in mine:
        if membership.left_at is None:
            membership.left_at, membership.left_how = utcnow(), "left"
        membership.shares_checkin = False
    session.flush()
    return {"groups_left": len(mine), "shared_withdrawn": len(shared), "reflections_deleted": reflections or 0}


def export_person(session: Session, person_id: str) -> list[dict[str, Any]]:
    """The person's groups for their data export: nickname, dates, their own reflections."""
    out = []
    for membership in session.scalars(select(GroupMembership).where(GroupMembership.person_id == person_id)
                                      .order_by(GroupMembership.id)):
        group = session.get(Group, membership.group_id)
        out.append({"group": group.name, "nickname": membership.nickname,
                    "joined_at": membership.joined_at.isoformat(),
                    "left_at": membership.left_at.isoformat() if membership.left_at else None,
                    "shares_checkin": membership.shares_checkin,
                    "reflections": [{k: r[k] for k in ("text", "written_at", "shared")}
                                    for r in my_reflections(session, membership)]})
    return out


# ------------------------------------------------------------------------------------ what the group sees

def shared_items(session: Session, group: Group) -> list[dict[str, Any]]:
    rows = session.execute(
        select(GroupSharedItem, GroupMembership.nickname)
        .outerjoin(GroupMembership, GroupSharedItem.membership_id == GroupMembership.id)
        .where(GroupSharedItem.group_id == group.id).order_by(GroupSharedItem.id))
    return [{"id": item.id, "nickname": None if item.anonymous else nickname, "text": item.text,
             "theme_id": item.theme_id, "shared_at": item.shared_at.isoformat()} for item, nickname in rows]


def group_map(session: Session, group: Group, now: datetime | None = None) -> dict[str, Any]:
    """{"sharers": n, "needed": k, "resting_until": date | None, "checkin": CheckIn | None}: the average of
    the latest check-ins of the members who share theirs, only with at least MAP_MINIMUM of them and not
    within MAP_REST_DAYS of a membership change."""
    latest = []
    for member in active_members(session, group):
        if member.shares_checkin:
            done = checkins.completed(session, member.person_id)
            if done:
                latest.append(checkins.as_checkin(done[-1]))
    needed = max(0, MAP_MINIMUM - len(latest))
    resting_until = _map_rests_until(session, group, now or utcnow())
    if needed or resting_until is not None:
        return {"sharers": len(latest), "needed": needed, "resting_until": resting_until, "checkin": None}
    return {"sharers": len(latest), "needed": 0, "resting_until": None, "checkin": average(latest)}


def _map_rests_until(session: Session, group: Group, now: datetime) -> datetime | None:
    changes = session.execute(select(func.max(GroupMembership.joined_at), func.max(GroupMembership.left_at))
                              .where(GroupMembership.group_id == group.id)).one()
    # SQLite hands back naive datetimes; all of them are UTC.
    last = max((m if m.tzinfo else m.replace(tzinfo=UTC) for m in changes if m is not None), default=None)
    if last is None or now - last >= timedelta(days=MAP_REST_DAYS):
        return None
    return last + timedelta(days=MAP_REST_DAYS)


def average(items: list[CheckIn], minimum: int = MAP_MINIMUM) -> CheckIn:
    """Per side of life and per series, the rounded mean of at least ``minimum`` answers, else nothing."""
    answers: dict[str, DimensionAnswer | None] = {}
    for dimension in DIMENSIONS:
        def mean(series: str, dimension: str = dimension) -> int | None:
            numbers = [getattr(c.answer(dimension), series) for c in items if c.answer(dimension) is not None]
            numbers = [n for n in numbers if n is not None]
            return round(sum(numbers) / len(numbers)) if len(numbers) >= max(minimum, 1) else None
        investment, fulfilment = mean("investment"), mean("fulfilment")
        answers[dimension] = (DimensionAnswer(dimension=dimension, investment=investment, fulfilment=fulfilment)
                              if investment is not None or fulfilment is not None else None)
    return CheckIn(answers=answers, taken_at=max(c.taken_at for c in items))


def group_page(session: Session, group: Group, lang: str | None = None) -> dict[str, Any]:
    """What members and the facilitator see: no person ids, no unshared content. The map comes with
    its text alternative (empty while it is not shown)."""
    lang = lang or group.language
    members = active_members(session, group)
    mapped = group_map(session, group)
    shown = mapped["checkin"] is not None
    return {
        "id": group.id, "name": group.name, "language": group.language, "rhythm": group.rhythm,
        "status": group.status, "members": [m.nickname for m in members],
        "theme": theme_view(current_theme(session, group), lang),
        "shared": shared_items(session, group),
        "map": {"sharers": mapped["sharers"], "needed": mapped["needed"], "shown": shown,
                "resting_until": mapped["resting_until"].date().isoformat() if mapped["resting_until"] else None,
                "alt": radar_alt_text(mapped["checkin"], None, lang) if shown else ""},
    }


def meeting_preparation(session: Session, group: Group, lang: str | None = None) -> dict[str, Any]:
    """The group page plus participation counts (never who)."""
    page = group_page(session, group, lang)
    theme = page["theme"]
    on_theme = [item for item in page["shared"] if theme is not None and item["theme_id"] == theme["id"]]
    sharing_members = session.scalar(select(func.count(func.distinct(GroupSharedItem.membership_id))).where(
        GroupSharedItem.group_id == group.id, GroupSharedItem.membership_id.is_not(None)))
    page["counts"] = {"members": len(page["members"]), "shared_reflections": len(page["shared"]),
                      "reflections_on_theme": len(on_theme), "members_who_shared": sharing_members or 0,
                      "checkins_in_map": page["map"]["sharers"]}
    return page
