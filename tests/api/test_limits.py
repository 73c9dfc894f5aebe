"""Limits that keep one sender or one address from flooding the chat, the database or the mentors'
queue, without ever holding back a crisis reply (issue 13)."""
from __future__ import annotations

from dataclasses import replace

import pytest
from anon_ids import sid
from sqlalchemy import func, select

from bot.storage.models import Case, Message


@pytest.fixture
def tight(settings, fake_rasa):
    from fastapi.testclient import TestClient

    from api.app import create_app

    app = create_app(replace(settings, chat_limit_per_id="3/minute", chat_limit_per_address="8/minute",
                             case_limit_per_address="2/hour"), warm_up_models=False)
    app.state.rasa = fake_rasa
    with TestClient(app) as client:
        yield client


def _say(client, sender, text="hello", language="en"):
    return client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text,
                                                       "metadata": {"language": language}})


def test_too_many_messages_from_one_id_get_a_kind_429_and_are_not_stored(tight):
    me = sid("flood-id")
    assert [_say(tight, me).status_code for _ in range(3)] == [200, 200, 200]
    refused = _say(tight, me, "one more", language="nl")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
    error = refused.json()["error"]
    assert "112" in error["message_en"] and "112" in error["message_nl"] and refused.json()["stored"] is False
    with tight.app.state.db.session() as session:
        texts = session.scalars(select(Message.text).where(Message.person_id == me, Message.role == "user")).all()
    assert "one more" not in texts
    assert _say(tight, sid("someone-else")).status_code == 200  # another person is not affected


def test_a_crisis_message_over_the_limit_still_gets_the_help_lines(tight):
    me = sid("flood-crisis")
    for _ in range(3):
        _say(tight, me)
    reply = _say(tight, me, "i want to end my life tonight")
    assert reply.status_code == 200
    assert any("crisis" in (r.get("custom") or {}) for r in reply.json())


def test_one_address_cannot_fill_the_mentor_queue_but_every_crisis_still_gets_help(tight):
    answers = [_say(tight, sid(f"queue-{n}"), "i want to kill myself") for n in range(4)]
    assert all(a.status_code == 200 for a in answers)
    assert all(any("crisis" in (r.get("custom") or {}) for r in a.json()) for a in answers)
    with tight.app.state.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 2  # the limit: 2 new cases an hour


def test_a_too_large_body_is_refused_before_it_is_read(client, fake_rasa):
    huge = "x" * (300 * 1024)
    response = client.post("/webhooks/rest/webhook", content=f'{{"sender": "{sid("big")}", "message": "{huge}"}}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    assert fake_rasa.sent == []


def test_when_the_counters_cannot_be_reached_the_door_stays_open():
    from api.rate_limits import ChatLimits

    # Nothing listens on port 1: every hit fails the way a Redis outage does.
    limits = ChatLimits("redis://127.0.0.1:1/0", "1/minute", "1/minute", "1/hour")
    assert all(limits.allow_message("127.0.0.1", sid("redis-down")) for _ in range(3))
    assert limits.allow_case("127.0.0.1")
