"""Shared fixtures: a database per test (SQLite always, PostgreSQL when reachable) and an API
app wired to a scripted stand-in for the Rasa server."""
from __future__ import annotations

import os
import uuid
from dataclasses import replace

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# No background model fitting when a test imports `actions` (actions/__init__.py).
os.environ.setdefault("WELLBEING_WARM_UP", "0")

from fake_engine import FakeRasa  # noqa: E402

from bot.config import Settings  # noqa: E402

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), connect_timeout=2):
            return True
    except Exception:
        return False


POSTGRES_AVAILABLE = _postgres_reachable()


def _forget_database(name: str) -> None:
    from bot.storage import db as db_module

    for url, handle in list(db_module._databases.items()):
        if name in url:
            handle.dispose()
            db_module._databases.pop(url)


def _drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_template():
    """A PostgreSQL database migrated once per test run; each test gets a copy of it (CREATE DATABASE
    ... TEMPLATE), which costs a fraction of migrating anew. SQLite tests still migrate from empty,
    so every run also proves that a fresh install builds its schema."""
    import psycopg

    from bot.storage import Database

    name = f"wb_template_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    template = Database(f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}")
    template.upgrade()
    template.dispose()  # a template must have no open connections while it is copied
    yield name
    _drop_postgres(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """Every storage test runs on SQLite, and again on a throwaway PostgreSQL database if one is reachable."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.sqlite3'}"
        return
    if not POSTGRES_AVAILABLE:
        pytest.skip("no PostgreSQL at 127.0.0.1:5432")
    import psycopg

    template = request.getfixturevalue("postgres_template")
    name = f"wb_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    _forget_database(name)
    _drop_postgres(name)


@pytest.fixture
def database(database_url):
    from bot.storage import Database

    db = Database(database_url)
    db.upgrade()
    yield db
    db.dispose()


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return replace(
        Settings(var_dir=tmp_path / "var"), database_url=database_url,
        action_url="http://127.0.0.1:9",  # nothing listens there: the action server is "down"
    )


@pytest.fixture
def fake_rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def client(settings, fake_rasa):
    from fastapi.testclient import TestClient

    from api.app import create_app

    app = create_app(settings, warm_up_models=False)
    app.state.rasa = fake_rasa
    with TestClient(app) as test_client:
        yield test_client


def mentor_api_headers(client, email: str = "ann@example.org", role: str = "mentor") -> dict[str, str]:
    """Bearer headers for /mentor/api acting as that account (created on first use)."""
    from bot.mentoring import accounts

    with client.app.state.db.session() as session:
        mentor = accounts.find_mentor(session, email) or accounts.create_account(
            session, email=email, display_name=email.split("@")[0].title(), role=role)
        return {"Authorization": f"Bearer {accounts.issue_api_token(session, mentor)}"}


@pytest.fixture
def mentor_api(client):
    """``mentor_api()`` or ``mentor_api("bo@example.org", role="admin")``: headers for that mentor."""
    return lambda email="ann@example.org", role="mentor": mentor_api_headers(client, email, role)
