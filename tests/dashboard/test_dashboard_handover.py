"""Reaching out: the mentor writes, the person sees a human mentor's message, the bot stays silent
(nothing forwarded to Rasa, the Rasa conversation paused) until the mentor hands back; a crisis is
still answered with help lines while the mentor holds the conversation."""
from __future__ import annotations

from anon_ids import sid
from dashboard_helpers import case_row, chat, person_row
from sqlalchemy import select

from bot.crisis import severity_rank
from bot.storage.models import Case, CaseTrigger, Message

SENDER = sid("person-held")


def open_case(client, db, sender: str = SENDER, language: str = "en") -> int:
    text = "i want to kill myself" if language == "en" else "ik wil niet meer leven"
    replies = chat(client, sender, text, language=language).json()
    assert any("crisis" in (r.get("custom") or {}) for r in replies)
    with db.session() as session:
        return session.scalars(select(Case.id).where(Case.person_id == sender)).one()


def history(client, sender: str = SENDER) -> list[dict]:
    return client.get(f"/api/conversations/{sender}/messages").json()["messages"]


def test_mentor_message_reaches_the_person_and_pauses_the_bot(app, db, client, fake_rasa, ann):
    case_id = open_case(client, db)
    fake_rasa.sent.clear()
    assert ann.post(f"/dashboard/cases/{case_id}/claim").status_code == 303
    sent = ann.post(f"/dashboard/cases/{case_id}/messages", {"text": "Hi, I'm Ann, a mentor. I'm here with you."})
    assert sent.status_code == 303 and sent.headers["location"].endswith("#reach-out")

    messages = history(client)
    joined, mentor = messages[-2], messages[-1]
    assert joined["role"] == "system" and joined["custom"]["mentor_present"] is True
    assert "real person" in joined["text"]
    assert mentor["role"] == "mentor" and mentor["custom"]["role"] == "mentor"
    assert mentor["text"] == "Hi, I'm Ann, a mentor. I'm here with you."
    assert (SENDER, [{"event": "pause"}]) in fake_rasa.events

    # The person answers: kept for the mentor, nothing goes to the dialogue engine, no bot reply.
    reply = chat(client, SENDER, "thank you, i am at home now")
    assert reply.status_code == 200 and reply.json() == []
    assert fake_rasa.sent == []
    with db.session() as session:
        stored = session.scalars(select(Message).where(Message.text == "thank you, i am at home now")).one()
        assert stored.status == "held_for_mentor"

    # The mentor's page picks it up live (and that read is audited).
    live = ann.get(f"/dashboard/cases/{case_id}/live.json?after={mentor['id']}").json()
    assert [m["text"] for m in live["messages"]] == ["thank you, i am at home now"]
    assert live["mentor_present"] is True
    queue = ann.get("/dashboard/queue.json").json()["cases"][0]
    assert queue["mentor_present"] is True and queue["person_waiting"] is True


def test_crisis_while_a_mentor_holds_the_conversation_still_gets_help_lines(app, db, client, fake_rasa, ann):
    case_id = open_case(client, db)
    before = case_row(db, case_id).severity
    ann.post(f"/dashboard/cases/{case_id}/claim")
    ann.post(f"/dashboard/cases/{case_id}/messages", {"text": "I'm here."})
    fake_rasa.sent.clear()
    fake_rasa.triggered.clear()
    replies = chat(client, SENDER, "i have the pills here and i am going to take them all tonight").json()
    crisis = [r["custom"]["crisis"] for r in replies if "crisis" in (r.get("custom") or {})]
    assert crisis and crisis[0]["helplines"]
    assert fake_rasa.sent == []
    case = case_row(db, case_id)
    assert case.severity in ("high", "imminent") and severity_rank(case.severity) >= severity_rank(before)
    assert case.status == "claimed" and case.claimed_by == "ann@example.org"  # the same case, still Ann's
    with db.session() as session:
        triggers = session.scalars(select(CaseTrigger.text).where(CaseTrigger.case_id == case_id)).all()
    assert "i have the pills here and i am going to take them all tonight" in triggers
    # The engine is paused: it is told about the crisis once the mentor hands back.
    assert fake_rasa.triggered == []
    assert person_row(db, SENDER).dialogue_crisis_pending is True


def test_hand_back_resumes_the_bot_and_tells_the_person(app, db, client, fake_rasa, ann):
    case_id = open_case(client, db)
    ann.post(f"/dashboard/cases/{case_id}/claim")
    ann.post(f"/dashboard/cases/{case_id}/messages", {"text": "Hello from a mentor."})
    fake_rasa.sent.clear()
    assert ann.post(f"/dashboard/cases/{case_id}/handback").status_code == 303
    assert fake_rasa.events[-1] == (SENDER, [{"event": "resume"}])
    left = history(client)[-1]
    assert left["role"] == "system" and left["custom"]["mentor_present"] is False
    assert "left the conversation" in left["text"]
    reply = chat(client, SENDER, "ok, thanks")
    assert reply.json() and fake_rasa.sent[-1]["message"] == "ok, thanks"
    assert ann.post(f"/dashboard/cases/{case_id}/handback").status_code == 409  # nothing to hand back


def test_the_person_is_told_in_their_own_language(app, db, client, ann):
    case_id = open_case(client, db, sender=sid("persoon-nl"), language="nl")
    ann.post(f"/dashboard/cases/{case_id}/claim")
    ann.post(f"/dashboard/cases/{case_id}/messages", {"text": "Hallo, ik ben Ann."})
    ann.post(f"/dashboard/cases/{case_id}/handback")
    texts = [m["text"] for m in history(client, sid("persoon-nl")) if m["role"] == "system"]
    assert any("echte persoon" in t for t in texts) and any("verlaten" in t for t in texts)


def test_closing_hands_back_and_a_new_crisis_opens_a_new_case(app, db, client, fake_rasa, ann):
    case_id = open_case(client, db)
    ann.post(f"/dashboard/cases/{case_id}/claim")
    ann.post(f"/dashboard/cases/{case_id}/messages", {"text": "I'm with you."})
    closed = ann.post(f"/dashboard/cases/{case_id}/close", {"outcome": "reached_safe", "note": "safe at home"})
    assert closed.status_code == 303
    events = [batch for sender, batch in fake_rasa.events if sender == SENDER]
    assert [{"event": "resume"}] in events
    assert events[-1][0] == {"event": "active_loop", "name": None}  # the crisis flow ends, as in the JSON API
    assert history(client)[-1]["custom"]["mentor_present"] is False
    # Writing again is a normal conversation ...
    fake_rasa.sent.clear()
    chat(client, SENDER, "hello again")
    assert fake_rasa.sent[-1]["message"] == "hello again"
    # ... and a new crisis follows the crisis rules: a new case.
    chat(client, SENDER, "i want to end my life")
    with db.session() as session:
        cases = session.scalars(select(Case).where(Case.person_id == SENDER).order_by(Case.id)).all()
    assert [c.status for c in cases] == ["closed", "open"]


def test_release_while_in_the_conversation_hands_back(app, db, client, fake_rasa, ann):
    case_id = open_case(client, db)
    ann.post(f"/dashboard/cases/{case_id}/claim")
    ann.post(f"/dashboard/cases/{case_id}/messages", {"text": "Hi."})
    ann.post(f"/dashboard/cases/{case_id}/release")
    assert fake_rasa.events[-1] == (SENDER, [{"event": "resume"}])
    fake_rasa.sent.clear()
    chat(client, SENDER, "anyone there?")
    assert fake_rasa.sent and fake_rasa.sent[-1]["message"] == "anyone there?"


def test_reaching_out_needs_the_case_and_respects_a_no_to_contact(app, db, client, ann):
    case_id = open_case(client, db)
    assert ann.post(f"/dashboard/cases/{case_id}/messages", {"text": "hi"}).status_code == 409  # not claimed
    chat(client, SENDER, '/consent{"contact": false}')
    ann.post(f"/dashboard/cases/{case_id}/claim")
    refused = ann.post(f"/dashboard/cases/{case_id}/messages", {"text": "hi"})
    assert refused.status_code == 422 and "did not want to be contacted" in refused.text
    assert ann.post(f"/dashboard/cases/{case_id}/messages", {"text": "hi", "despite_no_consent": "yes"}
                    ).status_code == 303
    assert ann.post(f"/dashboard/cases/{case_id}/messages", {"text": "   "}).status_code == 422


def test_mentor_sees_the_conversation_since_joining_without_transcript_consent(app, db, client, ann):
    chat(client, SENDER, "something private from before")
    case_id = open_case(client, db)
    ann.post(f"/dashboard/cases/{case_id}/claim")
    ann.post(f"/dashboard/cases/{case_id}/messages", {"text": "Hello, I'm a mentor."})
    chat(client, SENDER, "hi mentor")
    page = ann.get(f"/dashboard/cases/{case_id}").text
    assert "hi mentor" in page and "Hello, I&#39;m a mentor." in page
    assert "something private from before" not in page


def test_send_a_directory_entry_in_one_click(app, db, client, fake_rasa, ann):
    case_id = open_case(client, db)
    ann.post(f"/dashboard/cases/{case_id}/claim")
    page = ann.get(f"/dashboard/cases/{case_id}").text
    assert 'name="entry_id" value="zelfmoordlijn-1813"' in page
    sent = ann.post(f"/dashboard/cases/{case_id}/entries", {"kind": "helpline", "entry_id": "zelfmoordlijn-1813"})
    assert sent.status_code == 303
    last = history(client)[-1]
    assert last["role"] == "mentor" and "1813" in last["text"] and "Zelfmoordlijn" in last["text"]
    assert last["custom"]["directory_entry"] == {"kind": "helpline", "id": "zelfmoordlijn-1813"}
    assert (SENDER, [{"event": "pause"}]) in fake_rasa.events  # sending an entry joins the conversation too
    assert ann.post(f"/dashboard/cases/{case_id}/entries", {"kind": "helpline", "entry_id": "nope"}).status_code == 422


def test_engine_down_does_not_stop_the_mentor(app, db, client, fake_rasa, ann):
    case_id = open_case(client, db)
    fake_rasa.up = False
    ann.post(f"/dashboard/cases/{case_id}/claim")
    assert ann.post(f"/dashboard/cases/{case_id}/messages", {"text": "Hi, I'm here."}).status_code == 303
    assert chat(client, SENDER, "hello?").json() == []  # the gateway's own pause holds without Rasa
