from __future__ import annotations

import re

from bot.storage.conversations import touch_person
from bot.storage.models import Group
from bot.wellbeing import checkins
from bot.wellbeing.model import DIMENSIONS, CheckIn, DimensionAnswer


def open_group(browser, name: str = "Tuesday circle", language: str = "en") -> tuple[int, str]:
    response = browser.post("/dashboard/groups", {"name": name, "language": language, "rhythm": "every other Tuesday"})
    assert response.status_code == 303, response.text
    group_id = int(re.search(r"/dashboard/groups/(\d+)$", response.headers["location"]).group(1))
    page = browser.get(f"/dashboard/groups/{group_id}")
    code = re.search(r'class="group-code">([A-Z0-9]+)<', page.text).group(1)
    return group_id, code


def join(client, sender: str, code: str, nickname: str):
    return client.post(f"/api/groups/{sender}/join", json={"code": code, "nickname": nickname})


def completed_checkin(db, sender: str, investment: int, fulfilment: int, reflection: str = "") -> None:
    with db.session() as session:
        touch_person(session, sender, "en", None)
        record = checkins.start(session, sender, "en")
        data = CheckIn(answers={d: DimensionAnswer(dimension=d, investment=investment, fulfilment=fulfilment,
                                                   reflection=reflection or None) for d in DIMENSIONS})
        checkins.save(session, record, data, {}, status="complete")


def group_code(db, group_id: int) -> str:
    with db.session() as session:
        return session.get(Group, group_id).invite_code


def settle_memberships(db, group_id: int, days: int = 8) -> None:
    """As if everyone joined (and left) ``days`` ago: the group map rests a week after any change."""
    from datetime import timedelta

    from bot.storage.models import GroupMembership, utcnow

    with db.session() as session:
        for membership in session.query(GroupMembership).filter_by(group_id=group_id):
            membership.joined_at = utcnow() - timedelta(days=days + 1)
            if membership.left_at is not None:
                membership.left_at = utcnow() - timedelta(days=days)
