"""The chat door: validation, storing before forwarding, replies, and the engine-down path."""
from __future__ import annotations

from sqlalchemy import select

from bot.storage.models import Message


def _post(client, message="hello", sender="visitor-1", **metadata):
    body = {"sender": sender, "message": message, "metadata": {"language": "en", **metadata}}
    return client.post("/webhooks/rest/webhook", json=body)


def _messages(client, sender="visitor-1"):
    with client.app.state.db.session() as session:
        rows = session.scalars(select(Message).where(Message.person_id == sender).order_by(Message.id)).all()
        return [(m.role, m.text, m.status) for m in rows]


def test_reply_comes_back_in_rest_channel_format_and_both_sides_are_stored(client, fake_rasa):
    fake_rasa.reply = lambda s, m, md: [
        {"recipient_id": s, "text": "Hi, I am a bot.", "buttons": [{"title": "Take stock", "payload": "/start_checkin"}]}
    ]
    response = _post(client, "hello there")
    assert response.status_code == 200
    assert response.json() == [{"recipient_id": "visitor-1", "text": "Hi, I am a bot.",
                                "buttons": [{"title": "Take stock", "payload": "/start_checkin"}]}]
    assert _messages(client) == [("user", "hello there", "forwarded"), ("bot", "Hi, I am a bot.", "sent")]


def test_language_and_country_reach_the_dialogue_engine(client, fake_rasa):
    _post(client, "hallo", language="nl", country="be")
    assert fake_rasa.sent[-1]["metadata"] == {"language": "nl", "country": "BE"}


def test_empty_message_is_refused_with_a_clear_error_and_nothing_forwarded(client, fake_rasa):
    response = _post(client, "   ")
    assert response.status_code == 422
    assert "empty" in response.json()["error"]["message"]
    assert fake_rasa.sent == []


def test_oversized_message_is_refused(client):
    response = _post(client, "a" * 2001)
    assert response.status_code == 422
    assert "2000" in response.json()["error"]["message"]


def test_missing_sender_is_refused(client):
    response = client.post("/webhooks/rest/webhook", json={"message": "hi"})
    assert response.status_code == 422
    assert "sender is required" in response.json()["error"]["message"]


def test_unknown_language_is_refused(client):
    response = _post(client, "bonjour", language="fr")
    assert response.status_code == 422
    assert "language" in response.json()["error"]["message"]


def test_malformed_json_is_refused(client):
    response = client.post("/webhooks/rest/webhook", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_engine_down_answers_503_bilingually_and_keeps_the_message(client, fake_rasa):
    fake_rasa.up = False
    response = _post(client, "are you there?")
    assert response.status_code == 503
    body = response.json()
    assert body["stored"] is True
    assert "112" in body["error"]["message_en"] and "bewaard" in body["error"]["message_nl"]
    assert _messages(client) == [("user", "are you there?", "engine_unavailable")]


def test_returning_visitor_gets_their_conversation_back(client, fake_rasa):
    _post(client, "first")
    _post(client, "second")
    history = client.get("/api/conversations/visitor-1/messages").json()["messages"]
    assert [(m["role"], m["text"]) for m in history] == [
        ("user", "first"), ("bot", "echo: first"), ("user", "second"), ("bot", "echo: second")
    ]


def test_history_of_unknown_visitor_is_404(client):
    response = client.get("/api/conversations/nobody-here/messages")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_conversations_do_not_leak_between_visitors(client):
    _post(client, "mine", sender="alice")
    _post(client, "yours", sender="bob")
    texts = [m["text"] for m in client.get("/api/conversations/alice/messages").json()["messages"]]
    assert "yours" not in texts and "mine" in texts


def test_retry_after_engine_outage_does_not_store_the_message_twice(client, fake_rasa):
    fake_rasa.up = False
    assert _post(client, "still there?").status_code == 503
    fake_rasa.up = True
    assert _post(client, "still there?").status_code == 200
    assert _messages(client) == [("user", "still there?", "forwarded"), ("bot", "echo: still there?", "sent")]


def test_button_payloads_pass_but_typed_rasa_commands_do_not(client, fake_rasa):
    _post(client, "/confirm_safe")
    _post(client, '/look_closer{"dimension":"social"}')
    _post(client, "/restart")
    _post(client, '/crisis_detected{"crisis_severity":"high"}')
    sent = [s["message"] for s in fake_rasa.sent]
    assert sent[:2] == ["/confirm_safe", '/look_closer{"dimension":"social"}']
    assert sent[2] == "restart"  # plain text now: it cannot reset the conversation
    assert not sent[3].startswith("/")
