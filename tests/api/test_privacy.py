"""What a person is promised: "delete all my data" reaches every copy, the dialogue engine's tracker store
included; the export shows that copy too; an operator can prove nothing is left and purge what is old."""
from __future__ import annotations

import json
import time
from datetime import timedelta

from anon_ids import sid
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, select

from api import cli
from bot import privacy
from bot.storage.models import Case, Person, utcnow

CRISIS = "i want to die"


def _engine_events(client, sender: str, texts: list[str], days_ago: float = 0) -> None:
    """Rows as Rasa 3.6's SQLTrackerStore writes them (rasa/core/tracker_store.py, SQLEvent)."""
    tracker = client.app.state.tracker
    table = Table("events", MetaData(), Column("id", Integer, primary_key=True),
                  Column("sender_id", String(255), nullable=False, index=True),
                  Column("type_name", String(255), nullable=False), Column("timestamp", Float),
                  Column("intent_name", String(255)), Column("action_name", String(255)), Column("data", Text))
    table.metadata.create_all(tracker.engine)
    at = time.time() - days_ago * 86400
    with tracker.engine.begin() as connection:
        for text in texts:
            connection.execute(table.insert().values(
                sender_id=sender, type_name="user", timestamp=at, intent_name="share_feeling", action_name=None,
                data=json.dumps({"event": "user", "text": text, "timestamp": at})))
            connection.execute(table.insert().values(
                sender_id=sender, type_name="action", timestamp=at, intent_name=None, action_name="action_listen",
                data=json.dumps({"event": "action", "name": "action_listen"})))


def _say(client, sender: str, text: str):
    return client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text,
                                                       "metadata": {"language": "en"}})


def _left(client, sender: str) -> dict[str, int]:
    with client.app.state.db.session() as session:
        return privacy.data_left(session, sender, client.app.state.tracker)


def test_delete_everything_reaches_the_engine_tracker_and_leaves_nothing(client, fake_rasa):
    me, other = sid("erase-me"), sid("erase-other")
    for sender in (me, other):
        _say(client, sender, "i sleep badly and feel tired")
        _engine_events(client, sender, ["i sleep badly and feel tired"])
    assert _left(client, me)["dialogue_engine_events"] == 2 and _left(client, me)["messages"] == 2
    result = client.delete(f"/api/me/{me}").json()
    assert result["deleted_dialogue_engine_events"] == 2 and result["deleted_messages"] == 2
    assert not any(_left(client, me).values())
    assert _left(client, other)["dialogue_engine_events"] == 2  # nobody else's data goes with it


def test_the_export_shows_what_the_engine_kept(client, fake_rasa):
    me = sid("export-me")
    _say(client, me, "work takes all my time")
    _engine_events(client, me, ["work takes all my time"])
    exported = client.get(f"/api/me/{me}/export").json()
    engine = exported["dialogue_engine_events"]
    assert [e["text"] for e in engine if e["event"] == "user"] == ["work takes all my time"]
    assert engine[1]["action"] == "action_listen"


def test_an_open_crisis_case_is_kept_and_said_so_but_consent_to_read_the_chat_ends(client, fake_rasa):
    me = sid("erase-crisis")
    _say(client, me, CRISIS)
    with client.app.state.db.session() as session:
        session.scalars(select(Case).where(Case.person_id == me)).one().consent_transcript = True
    result = client.delete(f"/api/me/{me}").json()
    assert result["id_kept_for_a_crisis_case"] is True
    left = _left(client, me)
    assert left["cases"] == 1 and left["messages"] == 0
    with client.app.state.db.session() as session:
        assert session.scalars(select(Case).where(Case.person_id == me)).one().consent_transcript is False


def test_show_data_command_lists_what_is_left_and_says_when_nothing_is(client, fake_rasa, settings, monkeypatch,
                                                                     capsys):
    me = sid("dpo-check")
    _say(client, me, "hello")
    monkeypatch.setattr(cli, "load_settings", lambda: settings)
    assert cli.main(["show-data", "--id", me]) == 0
    assert "3 rows still name this id" in capsys.readouterr().out  # the id and two messages
    client.delete(f"/api/me/{me}")
    assert cli.main(["show-data", "--id", me]) == 0
    out = capsys.readouterr().out
    assert "nothing is stored for this id" in out and "dialogue_engine_events" in out


def test_purge_erases_people_gone_quiet_and_keeps_the_active_and_open_cases(client, fake_rasa):
    old, recent, old_in_crisis = sid("purge-old"), sid("purge-recent"), sid("purge-crisis")
    for sender in (old, recent):
        _say(client, sender, "hello")
    _say(client, old_in_crisis, CRISIS)
    _engine_events(client, old, ["hello"], days_ago=400)
    _engine_events(client, recent, ["hello"], days_ago=2)
    db = client.app.state.db
    with db.session() as session:
        for sender in (old, old_in_crisis):
            session.get(Person, sender).last_seen_at = utcnow() - timedelta(days=400)
    with db.session() as session:
        done = privacy.purge_inactive(session, client.app.state.tracker, days=365)
    assert done == {"persons": 1, "dialogue_engine_conversations": 1}
    assert not any(_left(client, old).values())
    assert _left(client, recent)["messages"] == 2 and _left(client, recent)["dialogue_engine_events"] == 2
    assert _left(client, old_in_crisis)["cases"] == 1  # an open case is never purged


def test_purge_command_follows_the_configured_retention(client, fake_rasa, settings, monkeypatch, capsys):
    from dataclasses import replace

    me = sid("purge-cli")
    _say(client, me, "hello")
    with client.app.state.db.session() as session:
        session.get(Person, me).last_seen_at = utcnow() - timedelta(days=40)
    monkeypatch.setattr(cli, "load_settings", lambda: replace(settings, retention_days=60))
    assert cli.main(["purge"]) == 0
    assert "purged 0 people" in capsys.readouterr().out
    assert cli.main(["purge", "--days", "30"]) == 0
    assert "purged 1 people" in capsys.readouterr().out
    assert not any(_left(client, me).values())

