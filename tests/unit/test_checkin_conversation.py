"""The check-in conversation: one question at a time, skip and pause everywhere, resume after days."""
from __future__ import annotations

from bot.storage.conversations import touch_person
from bot.wellbeing import checkins
from bot.wellbeing.conversation import CheckinConversation


def _run(database, person, lang, answers):
    """Feed answers one by one, each in a fresh conversation object (as the action server does)."""
    turns = []
    with database.session() as session:
        touch_person(session, person, lang, None)
        turns.append(CheckinConversation(session, person, lang).begin())
    for text in answers:
        with database.session() as session:
            turns.append(CheckinConversation(session, person, lang).answer(text))
    return turns


def _texts(turn):
    return " ".join(m.get("text") or "" for m in turn.messages)


def test_a_full_english_check_in_with_mixed_answers(database):
    turns = _run(database, "c1", "en", [
        "8", "a lot", "health and beauty", "skip",          # body
        "7 out of 10", "3", "belonging", "I miss my friends since we moved",  # relationships
        "Yes, that's right",
        "skip", "5", "skip", "skip",                        # inner world
        "almost nothing", "2", "Connection", "skip",        # meaning
    ])
    assert "0 to 10" in _texts(turns[0]) and "skip" in _texts(turns[0]).lower()
    for turn in turns[:-1]:
        questions = [m for m in turn.messages if m.get("text", "").endswith("?") or "0 to 10" in m.get("text", "")]
        assert len(questions) <= 2, turn.messages  # never more than one question (plus a reflection question)
    last = turns[-1]
    assert last.status == "complete"
    assert any(m.get("image", "").endswith("/radar.png") for m in last.messages)
    assert any(m.get("buttons") for m in last.messages)  # a next step that exists
    with database.session() as session:
        record = checkins.completed(session, "c1")[0]
        checkin = checkins.as_checkin(record)
        assert checkin.investment("physical") == 8 and checkin.fulfilment("physical") == 8
        assert checkin.investment("psychological") is None and checkin.fulfilment("psychological") == 5
        assert checkin.answer("social").reflection == "I miss my friends since we moved"
        assert checkin.investment("spiritual") == 1
        assert record.data["reflection_dimensions"]["social"]


def test_dutch_answers_are_understood(database):
    turns = _run(database, "c2", "nl", [
        "zeven", "bijna niets", "overslaan", "overslaan",
        "tien", "9", "verbondenheid", "overslaan",
        "5", "5", "liever niet", "overslaan",
        "2", "een beetje", "overslaan", "overslaan",
    ])
    assert turns[-1].status == "complete"
    assert "Wat wil je nu doen?" in _texts(turns[-1])
    with database.session() as session:
        checkin = checkins.as_checkin(checkins.completed(session, "c2")[0])
        assert checkin.investment("physical") == 7 and checkin.fulfilment("physical") == 1
        assert checkin.investment("social") == 10


def test_unclear_answer_is_asked_again_without_moving_on(database):
    turns = _run(database, "c3", "en", ["purple elephants"])
    assert "didn't quite catch" in _texts(turns[-1])
    with database.session() as session:
        assert checkins.unfinished(session, "c3").position["step"] == "investment"


def test_pause_then_resume_where_it_stopped(database):
    _run(database, "c4", "en", ["6", "6", "pause"])
    with database.session() as session:
        record = checkins.unfinished(session, "c4")
        assert record.status == "paused" and record.position["step"] == "values"
    with database.session() as session:
        again = CheckinConversation(session, "c4", "en").begin()
        assert "stopped at your body" in _texts(again)
    with database.session() as session:
        carry_on = CheckinConversation(session, "c4", "en").answer("carry on")
        assert "What matters most to you when it comes to your body" in _texts(carry_on)


def test_start_fresh_discards_the_paused_answers(database):
    _run(database, "c5", "en", ["9", "pause"])
    with database.session() as session:
        CheckinConversation(session, "c5", "en").begin()
    with database.session() as session:
        CheckinConversation(session, "c5", "en").answer("start fresh")
        record = checkins.unfinished(session, "c5")
        assert record.position["step"] == "investment" and record.position["index"] == 0
        assert checkins.as_checkin(record).investment("physical") is None


def test_second_check_in_mentions_persistence(database):
    answers = ["9", "3", "skip", "skip", "1", "2", "skip", "skip", "2", "5", "skip", "skip", "1", "5", "skip", "skip"]
    _run(database, "c6", "en", answers)
    second = _run(database, "c6", "en", answers)[-1]
    assert "for a while" in _texts(second)


def test_the_resume_buttons_themselves_are_understood_in_both_languages(database):
    for person, lang in (("c7", "en"), ("c8", "nl")):
        _run(database, person, lang, ["6", "pause" if lang == "en" else "pauze"])
        with database.session() as session:
            offer = CheckinConversation(session, person, lang).begin()
        carry_on = next(b["payload"] for m in offer.messages for b in m.get("buttons", []))
        with database.session() as session:
            turn = CheckinConversation(session, person, lang).answer(carry_on)
        with database.session() as session:
            assert checkins.unfinished(session, person).position["step"] == "fulfilment", turn.messages
