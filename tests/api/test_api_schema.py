"""The public API against its own OpenAPI schema, fuzzed by schemathesis (issue 13): no server error, no
response outside the schema, no schema-valid request refused, for the chat door, a person's own data and
the mentor API (called with a real mentor's token, so the fuzzing reaches past the sign-in).

The app is built once for the module (SQLite in a temporary directory, the scripted stand-in for Rasa):
schemathesis generates its cases when the module is collected."""
from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import schemathesis
from anon_ids import sid
from fake_engine import FakeRasa
from hypothesis import HealthCheck, settings

from api.app import create_app
from bot.config import Settings
from bot.mentoring import accounts, escalation
from bot.storage.conversations import touch_person

_VAR = Path(tempfile.mkdtemp(prefix="wb-schema-"))
APP = create_app(replace(Settings(var_dir=_VAR), database_url=f"sqlite:///{_VAR / 'app.sqlite3'}"),
                 warm_up_models=False)
APP.state.rasa = FakeRasa()
APP.state.db.upgrade()
with APP.state.db.session() as _session:
    _TOKEN = accounts.issue_api_token(_session, accounts.create_account(
        _session, email="fuzz@example.org", display_name="Fuzz", role="admin"))
    for _n in range(3):  # cases 1-3 exist, so claims, notes and closes meet real rows too
        _person = touch_person(_session, sid(f"fuzz-{_n}"), "en", None)
        escalation.record_crisis(_session, _person, severity="high", signals=["suicidal_ideation_explicit"],
                                 text="i want to die", message_id=None, source="gateway")

schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_to_its_schema(case):
    headers = {"Authorization": f"Bearer {_TOKEN}"} if case.path.startswith("/mentor/api") else {}
    case.call_and_validate(headers=headers)
