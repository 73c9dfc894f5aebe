"""Scaled-out mode against the real servers: app tables and Rasa's tracker store on PostgreSQL,
Rasa's lock store on Redis. Conversations survive a restart of the engine."""
from __future__ import annotations

import sys
import uuid
from pathlib import Path

import httpx
import pytest
from anon_ids import sid
from sqlalchemy import create_engine, text

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
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    stack = stack_module.Stack(
        api_port=stack_module.free_port(), rasa_port=stack_module.free_port(),
        action_port=stack_module.free_port(), var_dir=tmp_path_factory.mktemp("scaled-var"),
        model=stack_module.ensure_model(quiet=True),
        extra_env={"DATABASE_URL": url, "REDIS_URL": "redis://127.0.0.1:6379/0", "WELLBEING_WARM_UP": "1"},
    )
    stack.start()
    try:
        stack.wait_ready(timeout_s=420)
        yield stack, url
    finally:
        stack.stop_all()
        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
    stack, url = scaled
    assert _say(stack, SENDER, "hello").status_code == 200
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
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
