"""Helpers for the dashboard tests: a browser per person, accounts, cases, chat messages."""
from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from bot.mentoring import accounts, escalation
from bot.storage.conversations import record_user_message, touch_person
from bot.storage.models import Case, Person, utcnow

PASSWORD = "correct horse battery staple"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


class Browser:
    """One person's browser on the dashboard: a TestClient with its own cookie jar."""

    def __init__(self, app, email: str | None = None, base_url: str = "http://testserver") -> None:
        self.http = TestClient(app, follow_redirects=False, base_url=base_url)
        self.email = email
        self.csrf = ""

    def login(self, email: str, password: str = PASSWORD, code: str = ""):
        page = self.http.get("/dashboard/login")
        response = self.http.post("/dashboard/login", data={
            "email": email, "password": password, "code": code, "csrf_token": csrf_of(page.text)})
        if response.status_code == 303:
            self.email = email
            self.csrf = csrf_of(self.http.get("/dashboard/queue").text)
        return response

    def get(self, path: str, **kwargs):
        return self.http.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, *, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf)
        return self.http.post(path, data=data, **kwargs)


def make_account(db, email: str, role: str = "mentor", name: str | None = None, password: str = PASSWORD):
    with db.session() as session:
        mentor = accounts.create_account(session, email=email, display_name=name or email.split("@")[0].title(),
                                        role=role, password=password)
        return mentor.id


def make_case(db, person_id: str, severity: str = "high", *, minutes_ago: int = 0, text: str = "i want to die",
              language: str = "en", country: str | None = "BE", transcript: bool | None = None,
              contact: bool | None = None) -> int:
    """A case as the gateway would open it, with the person's message stored."""
    with db.session() as session:
        person = touch_person(session, person_id, language, country)
        message = record_user_message(session, person, text, language)
        record = escalation.record_crisis(session, person, severity=severity, signals=("test",), text=text,
                                          message_id=message.id, source="gateway")
        case = record.case
        if minutes_ago:
            case.opened_at = utcnow() - timedelta(minutes=minutes_ago)
        if transcript is not None or contact is not None:
            escalation.set_consent(session, person.id, transcript=transcript, contact=contact)
        return case.id


def case_row(db, case_id: int) -> Case:
    with db.session() as session:
        return session.get(Case, case_id)


def person_row(db, person_id: str) -> Person:
    with db.session() as session:
        return session.get(Person, person_id)


def chat(client, sender: str, message: str, language: str = "en", country: str | None = "BE"):
    metadata = {"language": language}
    if country:
        metadata["country"] = country
    return client.post("/webhooks/rest/webhook", json={"sender": sender, "message": message, "metadata": metadata})
