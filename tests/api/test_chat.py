"""The chat door: validation, storing before forwarding, replies, and the engine-down path."""
from __future__ import annotations

from anon_ids import sid
from sqlalchemy import select

from bot.storage.models import Message


def _post(client, message="hello", sender=sid("visitor-1"), **metadata):
    body = {"sender": sender, "message": message, "metadata": {"language": "en", **metadata}}
    return client.post("/webhooks/rest/webhook", json=body)


def _messages(client, sender=sid("visitor-1")):
    with client.app.state.db.session() as session:
        rows = session.scalars(select(Message).where(Message.person_id == sender).order_by(Message.id)).all()
        return [(m.role, m.text, m.status) for m in rows]


def test_reply_comes_back_in_rest_channel_format_and_both_sides_are_stored(client, fake_rasa):
    fake_rasa.reply = lambda s, m, md: [
        {"recipient_id": s, "text": "Hi, I am a bot.", "buttons": [{"title": "Take stock", "payload": "/start_checkin"}]}
    ]
    response = _post(client, "hello there")
    assert response.status_code == 200
    assert response.json() == [{"recipient_id": sid("visitor-1"), "text": "Hi, I am a bot.",
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
    history = client.get(f"/api/conversations/{sid('visitor-1')}/messages").json()["messages"]
    assert [(m["role"], m["text"]) for m in history] == [
        ("user", "first"), ("bot", "echo: first"), ("user", "second"), ("bot", "echo: second")
    ]


def test_unknown_and_existing_ids_get_the_same_kind_of_answer(client, fake_rasa):
    # 200-vs-404 would tell a prober which ids exist; an unknown id looks like one with nothing said.
    response = client.get(f"/api/conversations/{sid('nobody-here')}/messages")
    assert response.status_code == 200 and response.json() == {"messages": []}


def test_guessable_ids_are_refused_with_a_clear_422(client, fake_rasa):
    for guessable in ("alice", "user1", "someone@example.org", "12345", "0" * 31, "a" * 65):
        response = client.post("/webhooks/rest/webhook", json={"sender": guessable, "message": "hi"})
        assert response.status_code == 422, guessable
        assert "sender" in response.text
        assert client.get(f"/api/conversations/{guessable}/messages").status_code == 422
    assert fake_rasa.sent == []


def test_a_browser_uuid4_and_a_server_issued_id_both_work(client, fake_rasa):
    import uuid

    issued = client.post("/api/ids")
    assert issued.status_code == 201
    for sender in (str(uuid.uuid4()), str(uuid.uuid4()).upper(), issued.json()["id"]):
        assert _post(client, "hello", sender=sender).status_code == 200
    assert len(issued.json()["id"]) == 32 and issued.json()["id"] != client.post("/api/ids").json()["id"]


def test_unknown_fields_are_refused_not_stored(client, fake_rasa):
    body = {"sender": sid("extra-1"), "message": "hi", "metadata": {"language": "en", "email": "me@example.org"}}
    assert client.post("/webhooks/rest/webhook", json=body).status_code == 422
    body = {"sender": sid("extra-1"), "message": "hi", "name": "Alice"}
    assert client.post("/webhooks/rest/webhook", json=body).status_code == 422
    assert fake_rasa.sent == []


def test_conversations_do_not_leak_between_visitors(client):
    _post(client, "mine", sender=sid("alice"))
    _post(client, "yours", sender=sid("bob"))
    texts = [m["text"] for m in client.get(f"/api/conversations/{sid('alice')}/messages").json()["messages"]]
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


def test_silence_because_the_action_server_is_down_becomes_a_kind_message_in_the_persons_language(client, fake_rasa):
    fake_rasa.reply = lambda s, m, md: []   # what Rasa answers when an action could not run
    replies = _post(client, "ik slaap slecht", language="nl").json()   # the test action URL is down
    assert len(replies) == 1 and "werkt nu even niet" in replies[0]["text"] and "112" in replies[0]["text"]
    assert _messages(client)[-1][0] == "bot"   # stored with the conversation like any reply


def test_silence_with_the_action_server_up_stays_silence(client, fake_rasa, monkeypatch):
    async def up(url):
        return True

    monkeypatch.setattr("api.chat.action_server_up", up)
    fake_rasa.reply = lambda s, m, md: []
    assert _post(client, "ok").json() == []
