"""The mentor API refuses everything without the token and never shows up on the chat side."""
from __future__ import annotations

import pytest

TOKEN = {"Authorization": "Bearer test-mentor-token"}


def _crisis(client, sender="p-1", text="i want to kill myself"):
    return client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text, "metadata": {"language": "en"}})


@pytest.mark.parametrize("method,path", [
    ("get", "/mentor/api/cases"), ("get", "/mentor/api/cases/1"),
    ("post", "/mentor/api/cases/1/claim"), ("post", "/mentor/api/cases/1/close"),
    ("post", "/mentor/api/cases/1/notes"), ("post", "/mentor/api/cases/1/release"),
])
def test_every_route_needs_the_token(client, method, path):
    assert getattr(client, method)(path).status_code == 401
    assert getattr(client, method)(path, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_no_token_configured_means_locked(client):
    client.app.state.settings = type(client.app.state.settings)(mentor_api_token="")
    assert client.get("/mentor/api/cases", headers={"Authorization": "Bearer "}).status_code == 401


def test_claim_note_close_flow_is_logged(client, fake_rasa):
    _crisis(client)
    case = client.get("/mentor/api/cases", headers=TOKEN).json()["cases"][0]
    assert client.post(f"/mentor/api/cases/{case['id']}/claim", json={"mentor": "ann"}, headers=TOKEN).json()[
        "claimed_by"] == "ann"
    taken = client.post(f"/mentor/api/cases/{case['id']}/claim", json={"mentor": "bo"}, headers=TOKEN)
    assert taken.status_code == 409 and "ann" in taken.json()["error"]["message"]
    client.post(f"/mentor/api/cases/{case['id']}/notes", json={"mentor": "ann", "text": "called, no answer"},
                headers=TOKEN)
    bad = client.post(f"/mentor/api/cases/{case['id']}/close", json={"mentor": "ann", "outcome": "??"}, headers=TOKEN)
    assert bad.status_code == 422
    closed = client.post(f"/mentor/api/cases/{case['id']}/close",
                         json={"mentor": "ann", "outcome": "reached_safe", "note": "safe"}, headers=TOKEN)
    assert closed.json()["status"] == "closed"
    detail = client.get(f"/mentor/api/cases/{case['id']}?mentor=ann", headers=TOKEN).json()
    assert [e["kind"] for e in detail["events"]] == ["opened", "claimed", "note", "closed", "viewed"]
    assert client.get("/mentor/api/cases", headers=TOKEN).json()["cases"] == []
    # Closing ends the dialogue's crisis flow in the engine.
    assert fake_rasa.events and fake_rasa.events[-1][1][0] == {"event": "active_loop", "name": None}


def test_unknown_case_is_404(client):
    assert client.get("/mentor/api/cases/999", headers=TOKEN).status_code == 404


def test_chat_side_never_exposes_cases(client):
    _crisis(client, sender="p-2")
    history = client.get("/api/conversations/p-2/messages")
    assert "case_id" not in history.text and "claimed_by" not in history.text
    assert client.get("/cases").status_code == 404
