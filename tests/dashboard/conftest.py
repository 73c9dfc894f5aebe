"""Fixtures for the mentor dashboard: accounts, signed-in browsers (one TestClient per person, each
with its own cookies), cases, and a copy of the help-line directory to edit."""
from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
from dashboard_helpers import Browser, make_account


@pytest.fixture
def directory_copy(tmp_path):
    from bot.config import PROJECT_ROOT

    folder = tmp_path / "content"
    folder.mkdir()
    for name in ("helplines.yml", "recovery_centres.yml"):
        shutil.copy(PROJECT_ROOT / "bot" / "content" / name, folder / name)
    return folder


@pytest.fixture
def app(client, directory_copy, tmp_path):
    app = client.app
    app.state.dashboard = replace(app.state.dashboard, directory_dir=directory_copy,
                                  backup_dir=tmp_path / "backups")
    return app


@pytest.fixture
def db(app):
    return app.state.db


@pytest.fixture
def admin(app, db) -> Browser:
    make_account(db, "admin@example.org", "admin", "Ada")
    browser = Browser(app)
    assert browser.login("admin@example.org").status_code == 303
    return browser


@pytest.fixture
def ann(app, db) -> Browser:
    make_account(db, "ann@example.org", "mentor", "Ann")
    browser = Browser(app)
    assert browser.login("ann@example.org").status_code == 303
    return browser


@pytest.fixture
def bo(app, db) -> Browser:
    make_account(db, "bo@example.org", "mentor", "Bo")
    browser = Browser(app)
    assert browser.login("bo@example.org").status_code == 303
    return browser
