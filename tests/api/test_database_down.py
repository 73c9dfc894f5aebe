"""The database goes away: a crisis is still answered, nothing said is lost, and it is all written
back, in order and once, when the database answers again."""
from __future__ import annotations

import time
from contextlib import contextmanager

import pytest
from anon_ids import sid
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.storage.models import Case, Message

PERSON = sid("db-down-1")


class Unreachable:
    """Stands in for the app's database while its server is gone."""

    def __init__(self, real):
        self.real = real

    @contextmanager
    def session(self):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))
        yield  # pragma: no cover

    def __getattr__(self, name):
        return getattr(self.real, name)


def _post(client, message, language="en", country=None):
    metadata = {"language": language, **({"country": country} if country else {})}
    return client.post("/webhooks/rest/webhook", json={"sender": PERSON, "message": message, "metadata": metadata})


@pytest.fixture
def outage(client, monkeypatch):
    monkeypatch.setattr("api.app.SPOOL_CHECK_S", 0.05)
    real = client.app.state.db
    client.app.state.db = Unreachable(real)
    yield real
    client.app.state.db = real


def _wait_for(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_crisis_gets_the_help_lines_while_the_database_is_down(client, fake_rasa, outage):
    response = _post(client, "ik ga vannacht een einde aan mijn leven maken", language="nl", country="BE")
    assert response.status_code == 200
    crisis = [m["custom"]["crisis"] for m in response.json() if "crisis" in (m.get("custom") or {})]
    assert crisis and crisis[0]["helplines"], response.json()
    assert fake_rasa.sent == []


def test_an_ordinary_message_hears_it_is_kept_in_both_languages(client, fake_rasa, outage):
    response = _post(client, "I slept badly again")
    assert response.status_code == 503
    body = response.json()
    assert body["stored"] is True and body["error"]["code"] == "database_unavailable"
    assert "kept" in body["error"]["message_en"] and "bewaard" in body["error"]["message_nl"]


def test_everything_said_during_the_outage_is_written_back_in_order_once_with_a_case(client, fake_rasa, outage):
    said = ["hello", "I want to kill myself tonight", "are you there?"]
    for message in said:
        _post(client, message)
    assert client.app.state.spool.pending() == 3
    client.app.state.db = outage          # the server is back

    def stored():
        with outage.session() as session:
            return session.scalars(select(Message).where(Message.person_id == PERSON).order_by(Message.id)).all()

    assert _wait_for(lambda: client.app.state.spool.pending() == 0 and len(stored()) >= 3)
    rows = stored()
    assert [m.text for m in rows if m.role == "user"] == said
    assert {m.status for m in rows if m.role == "user"} == {"spooled"}
    assert any(m.role == "bot" for m in rows)
    with outage.session() as session:
        case = session.scalars(select(Case).where(Case.person_id == PERSON)).one()   # the mentors see it
        assert case.severity in ("high", "imminent")
    # Written once: a second pass finds nothing to write.
    assert client.app.state.spool.drain(lambda entries: pytest.fail("written twice")) == 0


def test_a_message_sent_again_after_the_outage_is_kept_once(client, fake_rasa, outage, monkeypatch):
    monkeypatch.setattr("api.app.SPOOL_CHECK_S", 60)   # the person is quicker than the write-back
    time.sleep(0.2)
    _post(client, "I slept badly again")
    client.app.state.db = outage
    assert _post(client, "I slept badly again").status_code == 200   # sent again, now stored and forwarded
    with outage.session() as session:
        from bot.safety import database_down

        client.app.state.spool.drain(lambda entries: database_down.write_spooled(session, entries))
    with outage.session() as session:
        texts = session.scalars(select(Message.text).where(Message.person_id == PERSON, Message.role == "user")).all()
    assert texts == ["I slept badly again"]
