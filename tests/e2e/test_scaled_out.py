"""Scaled-out mode against the real servers: two dialogue engines, app tables and Rasa's tracker store
on PostgreSQL, Rasa's lock store on Redis. Conversations survive a restart of an engine, and the loss
of one: the other takes the conversation over where it was."""
from __future__ import annotations

import json
import os
import signal
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from anon_ids import sid
from sqlalchemy import create_engine, text
from tcp_cut import CuttableRelay

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import stack as stack_module  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _reachable() -> bool:
    try:
        import psycopg
        import redis

        psycopg.connect(PG_ADMIN, connect_timeout=2).close()
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2).ping())
    except Exception:
        return False


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    if not _reachable():
        pytest.skip("PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379 are needed")
    import psycopg

    name = f"wb_e2e_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    # Everything reaches PostgreSQL through a relay a test can cut: "unreachable for a few seconds".
    relay = CuttableRelay("127.0.0.1", 5432)
    url = f"postgresql://postgres@127.0.0.1:{relay.port}/{name}"
    redis_relay = CuttableRelay("127.0.0.1", 6379)   # and Redis, to "restart" it
    stack = stack_module.Stack(
        api_port=stack_module.free_port(), rasa_port=stack_module.free_port(),
        action_port=stack_module.free_port(), var_dir=tmp_path_factory.mktemp("scaled-var"),
        model=stack_module.ensure_model(quiet=True), engines=2,
        extra_env={"DATABASE_URL": url, "REDIS_URL": f"redis://127.0.0.1:{redis_relay.port}/0",
                   "WELLBEING_WARM_UP": "1",
                   # Every simulated person comes from 127.0.0.1 (the counters live in the real Redis).
                   "CHAT_LIMIT_PER_ADDRESS": "100000/minute"},
    )
    stack.start()
    try:
        stack.wait_ready(timeout_s=420)
        stack.redis_relay = redis_relay
        yield stack, url, relay
    finally:
        stack.stop_all()
        relay.close()
        redis_relay.close()
        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _database(url):
    """The app's database as the gateway reaches it (the driver named the way bot.config names it)."""
    return create_engine(Settings(database_url=url).sqlalchemy_url)


def _say(stack, sender, message):
    return httpx.post(stack.api_url + "/webhooks/rest/webhook",
                      json={"sender": sender, "message": message, "metadata": {"language": "en"}}, timeout=60)


SENDER = sid("scaled-1")


def _counts(engine) -> tuple[int, int]:
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM messages WHERE person_id = :id"),
                                    {"id": SENDER}).scalar_one()
        tracked = connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :id"),
                                     {"id": SENDER}).scalar_one()
    return stored, tracked


def test_messages_and_tracker_live_in_postgres_and_survive_an_engine_restart(scaled):
    stack, url, _relay = scaled
    assert _say(stack, SENDER, "hello").status_code == 200
    engine = _database(url)
    stored, tracked = _counts(engine)
    assert stored >= 2 and tracked > 0
    stack.stop("rasa")
    stack.start_rasa()
    stack.wait_ready(timeout_s=420)
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{SENDER}/tracker", params={"token": stack.rasa_token},
                        timeout=30).json()
    user_texts = [e.get("text") for e in tracker["events"] if e.get("event") == "user"]
    assert "hello" in user_texts
    assert _say(stack, SENDER, "thanks").status_code == 200
    # "Delete all my data" reaches the engine's tracker on the PostgreSQL server too.
    erased = httpx.delete(f"{stack.api_url}/api/me/{SENDER}", timeout=30).json()
    assert erased["deleted_dialogue_engine_events"] > 0
    assert _counts(engine) == (0, 0)


def test_twenty_people_checking_in_at_once_over_two_engines_each_get_their_own_check_in(scaled, tmp_path):
    """The load test's integrity checks (scripts/load_test.py) on a small concurrent run: every
    message stored once and in order, every turn taken once, each check-in with its own numbers."""
    import asyncio
    import random

    import load_test

    stack, url, _relay = scaled
    log = tmp_path / "turns.jsonl"
    turns = []

    async def person(client, index):
        sender, language = sid(f"scaled-crowd-{index}"), random.choice(("en", "nl"))
        skip = {"en": "skip", "nl": "overslaan"}[language]
        start = {"en": "i'd like to take stock", "nl": "ik wil een check-in doen"}[language]
        numbers = [[random.randint(0, 10), random.randint(0, 10)] for _ in range(4)]
        texts = [start] + [t for inv, ful in numbers for t in (str(inv), str(ful), skip, skip)]
        for seq, message in enumerate(texts):
            response = await client.post(stack.api_url + "/webhooks/rest/webhook", json={
                "sender": sender, "message": message, "metadata": {"language": language}})
            turns.append({"sender": sender, "scenario": "check_in", "seq": seq, "text": message,
                          "status": response.status_code, "numbers": numbers})

    async def crowd():
        async with httpx.AsyncClient(timeout=60) as client:
            await asyncio.gather(*(person(client, i) for i in range(20)))

    asyncio.run(crowd())
    log.write_text("\n".join(json.dumps(t) for t in turns) + "\n")
    assert {t["status"] for t in turns} == {200}
    problems = load_test.check(log, url, stack.api_url)
    assert problems["turns"] == 20 * 17
    assert {k: v for k, v in problems.items() if k not in ("turns", "conversations")} == {
        "lost": 0, "duplicated": 0, "out_of_order": 0, "tracker_mismatch": 0, "check_in_mismatch": 0}


CHECK_IN = ["7", "1", "health", "skip", "9", "8", "connection", "skip", "skip", "5", "skip", "skip",
            "2", "3", "skip", "skip"]


def test_when_an_engine_dies_the_other_carries_the_check_in_on_and_nothing_is_lost_or_doubled(scaled):
    from api.rasa_client import RasaClient

    stack, url, _relay = scaled
    assert stack.health().get("engines") == ["ok", "ok"]
    pool = RasaClient(stack.rasa_urls)
    sender = next(sid(f"scaled-kill-{i}") for i in range(100) if pool.home(sid(f"scaled-kill-{i}")) == stack.rasa_urls[0])
    sent = ["i'd like to take stock", *CHECK_IN[:2]]
    for message in sent:
        assert _say(stack, sender, message).status_code == 200
    # The conversation's home engine dies without a goodbye.
    engine = stack.processes.pop("rasa")
    os.killpg(engine.pid, signal.SIGKILL)
    engine.wait()
    for message in CHECK_IN[2:]:
        response = _say(stack, sender, message)
        assert response.status_code == 200, response.text
        sent.append(message)
    assert any(m.get("image") for m in response.json()), response.json()   # the check-in reached its end
    mine = httpx.get(f"{stack.api_url}/api/me/{sender}/checkins", timeout=30).json()["checkins"]
    assert mine[0]["answers"]["physical"]["investment"] == 7   # answered on the engine that died
    assert mine[0]["answers"]["social"]["fulfilment"] == 8
    assert stack.health()["engines"][0] == "down"
    engine_db = _database(url)
    with engine_db.connect() as connection:
        stored = connection.execute(
            text("SELECT count(*) FROM messages WHERE person_id = :id AND role = 'user'"), {"id": sender}).scalar_one()
        tracked = connection.execute(
            text("SELECT data FROM events WHERE sender_id = :id AND type_name = 'user' ORDER BY id"),
            {"id": sender}).scalars().all()
    assert stored == len(sent)                                  # every message stored once
    assert [json.loads(event)["text"] for event in tracked] == sent   # each turn taken once, in order


def test_postgresql_unreachable_for_a_while_a_crisis_is_answered_and_nothing_is_lost(scaled):
    stack, url, relay = scaled
    sender = sid("scaled-db-down")
    assert _say(stack, sender, "hello").status_code == 200
    relay.cut()
    try:
        crisis = _say(stack, sender, "I am going to kill myself tonight")
        assert crisis.status_code == 200, crisis.text
        assert any((m.get("custom") or {}).get("crisis", {}).get("helplines") for m in crisis.json()), crisis.json()
        ordinary = _say(stack, sender, "are you still there")
        assert ordinary.status_code == 503 and ordinary.json()["stored"] is True
    finally:
        relay.mend()
    engine = _database(url)

    def user_rows():
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT text, status FROM messages WHERE person_id = :id AND role = 'user' ORDER BY id"),
                {"id": sender}).all()

    deadline = time.monotonic() + 60
    while len(user_rows()) < 3 and time.monotonic() < deadline:
        time.sleep(0.5)
    rows = user_rows()
    assert [r.text for r in rows] == ["hello", "I am going to kill myself tonight", "are you still there"]
    assert [r.status for r in rows][1:] == ["spooled", "spooled"]
    with engine.connect() as connection:
        cases = connection.execute(text("SELECT count(*) FROM cases WHERE person_id = :id"), {"id": sender}).scalar_one()
    assert cases == 1                                   # the mentors see the crisis said during the outage
    assert _say(stack, sender, "thanks").status_code == 200   # and the conversation goes on


def test_a_redis_restart_loses_nothing_and_a_crisis_is_answered_throughout(scaled):
    stack, url, _relay = scaled
    sender = sid("scaled-redis-down")
    assert _say(stack, sender, "hello").status_code == 200
    stack.redis_relay.cut()          # the lock store and the rate-limit counters are gone
    try:
        crisis = _say(stack, sid("scaled-redis-crisis"), "I am going to kill myself tonight")
        assert crisis.status_code == 200, crisis.text
        assert any((m.get("custom") or {}).get("crisis", {}).get("helplines") for m in crisis.json()), crisis.json()
        during = _say(stack, sender, "are you still there")
        assert during.status_code in (200, 503), during.text   # the engine may not take turns without locks
        if during.status_code == 503:
            assert during.json()["stored"] is True
    finally:
        stack.redis_relay.mend()     # Redis is back
    assert _say(stack, sender, "thanks").status_code == 200
    engine = _database(url)
    with engine.connect() as connection:
        texts = connection.execute(text(
            "SELECT text FROM messages WHERE person_id = :id AND role = 'user' ORDER BY id"), {"id": sender}).scalars().all()
    assert texts == ["hello", "are you still there", "thanks"]    # each once, in order


def test_two_gateway_processes_carry_one_check_in_between_them(scaled):
    """Gateways share nothing but the databases: turns of one conversation may land on either."""
    stack, url, _relay = scaled
    port = stack_module.free_port()
    stack._spawn("api-2", [str(stack_module.APP_PYTHON), "-m", "uvicorn", "--factory", "api.app:create_app",
                           "--host", "127.0.0.1", "--port", str(port)])
    second = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if httpx.get(second + "/health", timeout=3).json().get("components", {}).get("api") == "ok":
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(1)
        sender = sid("scaled-two-gateways")
        gateways = [stack.api_url, second]
        for index, message in enumerate(["i'd like to take stock", *CHECK_IN]):
            response = httpx.post(gateways[index % 2] + "/webhooks/rest/webhook", timeout=60, json={
                "sender": sender, "message": message, "metadata": {"language": "en"}})
            assert response.status_code == 200, response.text
        assert any(m.get("image") for m in response.json()), response.json()
        mine = httpx.get(f"{second}/api/me/{sender}/checkins", timeout=30).json()["checkins"]
        assert mine[0]["answers"]["physical"]["investment"] == 7
        engine = _database(url)
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT count(*) FROM messages WHERE person_id = :id AND role = 'user'"),
                                        {"id": sender}).scalar_one()
        assert stored == 1 + len(CHECK_IN)
    finally:
        stack.stop("api-2")
