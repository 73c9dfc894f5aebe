"""Crisis messages are answered by the gateway itself: help lines in the same response, a case
for the mentors, and the dialogue engine put into its crisis flow -- even with Rasa down."""
from __future__ import annotations

import pytest
from anon_ids import sid
from sqlalchemy import select

from bot.storage.models import Case, Message


def _post(client, message, sender=sid("person-x"), language="en", country=None):
    metadata = {"language": language}
    if country:
        metadata["country"] = country
    return client.post("/webhooks/rest/webhook", json={"sender": sender, "message": message, "metadata": metadata})


def _crisis_payload(replies):
    payloads = [r["custom"]["crisis"] for r in replies if "crisis" in (r.get("custom") or {})]
    assert payloads, f"no crisis payload in {replies}"
    return payloads[0]


def test_crisis_gets_help_lines_in_the_same_response_with_rasa_stopped(client, fake_rasa):
    fake_rasa.up = False
    response = _post(client, "i dont want to live anymore", country="BE")
    assert response.status_code == 200
    replies = response.json()
    payload = _crisis_payload(replies)
    assert payload["severity"] in ("elevated", "high", "imminent")
    phones = [line["phone"] for line in payload["helplines"]]
    assert "1813" in phones
    all_text = " ".join(r.get("text") or "" for r in replies)
    assert "1813" in all_text
    payloads = [b["payload"] for r in replies for b in r.get("buttons") or []]
    assert "/confirm_safe" in payloads and "/request_mentor" in payloads
    assert fake_rasa.sent == []  # the crisis text never went to the engine


def test_dutch_crisis_in_the_netherlands_gets_113(client, fake_rasa):
    replies = _post(client, "ik zie het echt niet meer zitten, ik wil dood", language="nl", country="NL").json()
    phones = [line["phone"] for line in _crisis_payload(replies)["helplines"]]
    assert any("113" in phone for phone in phones)


def test_crisis_opens_one_case_and_tells_the_engine(client, fake_rasa):
    _post(client, "i want to kill myself")
    _post(client, "i have the pills here and i am going to take them all tonight")
    with client.app.state.db.session() as session:
        cases = session.scalars(select(Case)).all()
        assert len(cases) == 1
        assert cases[0].severity in ("high", "imminent")
    assert fake_rasa.triggered and fake_rasa.triggered[0][1] == "crisis_detected"


def test_engine_is_told_about_the_crisis_once_it_is_back(client, fake_rasa):
    fake_rasa.up = False
    _post(client, "i want to end my life")
    assert fake_rasa.triggered == []
    fake_rasa.up = True
    _post(client, "thanks")
    assert [t[1] for t in fake_rasa.triggered] == ["crisis_detected"]
    assert fake_rasa.sent[-1]["message"] == "thanks"  # only after the engine is in its crisis flow
    _post(client, "ok")
    assert len(fake_rasa.triggered) == 1


def test_idiom_is_not_a_crisis(client, fake_rasa):
    replies = _post(client, "this traffic is killing me lol").json()
    assert all("crisis" not in (r.get("custom") or {}) for r in replies)
    assert fake_rasa.sent[-1]["message"] == "this traffic is killing me lol"
    with client.app.state.db.session() as session:
        assert session.scalars(select(Case)).all() == []


def test_choosing_a_country_is_remembered_and_answered_with_its_lines(client, fake_rasa):
    _post(client, "ik wil er niet meer zijn", language="nl")
    replies = _post(client, '/set_country{"country":"NL"}', language="nl").json()
    phones = [line["phone"] for line in _crisis_payload(replies)["helplines"]]
    assert any("113" in phone for phone in phones)
    with client.app.state.db.session() as session:
        assert session.scalars(select(Case)).one().country == "NL"
    assert all(s["message"] != '/set_country{"country":"NL"}' for s in fake_rasa.sent)


def test_the_people_who_have_been_there_button_is_answered_by_the_gateway(client, fake_rasa):
    # The button after a low check-in and after a crisis: peer places of the person's country.
    _post(client, '/set_country{"country":"BE"}', language="nl")
    replies = _post(client, "/peer_support", language="nl").json()
    peers = replies[0]["custom"]["peers"]
    assert peers["country"] == "BE" and {p["country"] for p in peers["places"]} == {"BE"}
    assert "lotgenotengroep" in replies[0]["text"]
    assert all(s["message"] != "/peer_support" for s in fake_rasa.sent)


def test_consent_widens_what_the_mentor_sees(client, fake_rasa, mentor_api):
    mentor_headers = mentor_api()
    _post(client, "good morning")
    _post(client, "i want to die")
    case_id = client.get("/mentor/api/cases", headers=mentor_headers).json()["cases"][0]["id"]
    detail = client.get(f"/mentor/api/cases/{case_id}", headers=mentor_headers).json()
    assert [t["text"] for t in detail["triggers"]] == ["i want to die"]
    assert detail["transcript"] == []
    _post(client, '/consent{"transcript": true}')
    detail = client.get(f"/mentor/api/cases/{case_id}", headers=mentor_headers).json()
    assert "good morning" in [m["text"] for m in detail["transcript"]]


def test_crisis_messages_are_stored_with_the_replies(client, fake_rasa):
    _post(client, "i want to die")
    with client.app.state.db.session() as session:
        rows = session.scalars(select(Message).order_by(Message.id)).all()
        assert rows[0].role == "user" and rows[0].status == "handled_by_gateway"
        assert {r.role for r in rows[1:]} == {"bot"}


def test_a_plan_after_a_crisis_message_raises_the_case(client, fake_rasa):
    _post(client, "i want to die")
    _post(client, "im going to do it tonight")
    with client.app.state.db.session() as session:
        case = session.scalars(select(Case)).one()
        assert case.severity in ("high", "imminent")
        assert len(case.triggers) == 2


@pytest.mark.parametrize("words", ["i've made up my mind", "it is starting to work"])
def test_the_same_words_after_an_ordinary_message_are_not_a_crisis(client, fake_rasa, words):
    # ("im going to do it tonight" itself now reads as a plan to the classifier even alone: the
    # full response or the question, whatever came before.)
    _post(client, "i should really clean the garage")
    replies = _post(client, words).json()
    assert all("crisis" not in (r.get("custom") or {}) for r in replies)
    _post(client, "honestly i want to die", sender=sid("ctx-2"))
    assert any("crisis" in (r.get("custom") or {}) for r in _post(client, words, sender=sid("ctx-2")).json())


def test_a_repeated_crisis_at_the_same_severity_is_no_raise_and_no_second_notice(client, fake_rasa, monkeypatch):
    notices = []
    monkeypatch.setattr("bot.safety.dialogue.notifier", lambda: type("N", (), {"submit": notices.append})())
    _post(client, "i want to kill myself", sender=sid("repeat-1"))
    _post(client, "i really want to kill myself", sender=sid("repeat-1"))
    with client.app.state.db.session() as session:
        case = session.scalars(select(Case)).one()
        kinds = [event.kind for event in case.events]
        assert kinds.count("raised") == 0 and kinds.count("opened") == 1
        assert len(case.triggers) == 2   # the mentor still sees both messages
    assert [n.kind for n in notices] == ["case_opened"]
    _post(client, "i took all the pills, it is starting to work", sender=sid("repeat-1"))
    assert [n.kind for n in notices] == ["case_opened", "case_raised"]


def test_the_message_is_stored_before_the_engine_receives_it(client, fake_rasa):
    seen_in_database = []

    def reply(sender, message, metadata):
        with client.app.state.db.session() as session:
            stored = session.scalars(select(Message).where(Message.person_id == sender, Message.role == "user")).all()
            seen_in_database.append([m.text for m in stored])
        return [{"recipient_id": sender, "text": "ok"}]

    fake_rasa.reply = reply
    _post(client, "I started running again this week", sender=sid("stored-1"))
    assert seen_in_database == [["I started running again this week"]]
