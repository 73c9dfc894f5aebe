"""Fixtures for self-help groups: a facilitator's browser, members (anonymous sender ids) and check-ins."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "dashboard"))

from dashboard_helpers import Browser, make_account  # noqa: E402


@pytest.fixture
def app(client):
    return client.app


@pytest.fixture
def db(app):
    return app.state.db


def facilitator_browser(app, db, email: str) -> Browser:
    make_account(db, email, "facilitator", email.split("@")[0].title())
    browser = Browser(app)
    response = browser.login(email)
    assert response.status_code == 303 and response.headers["location"].endswith("/dashboard/groups")
    return browser


@pytest.fixture
def fay(app, db) -> Browser:
    return facilitator_browser(app, db, "fay@example.org")


@pytest.fixture
def gus(app, db) -> Browser:
    return facilitator_browser(app, db, "gus@example.org")
