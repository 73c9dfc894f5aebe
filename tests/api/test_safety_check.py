"""The detector's middle band: the gateway asks the person directly, and their answer decides.

The detector is replaced by a stand-in here so the flow itself is what is tested (which real
messages land in which band is measured on the blind sets: tests/unit/test_crisis_blind.py)."""
from __future__ import annotations

import pytest
from anon_ids import sid
from sqlalchemy import select

from bot.crisis import CrisisAssessment
from bot.crisis import detect as real_detect
from bot.safety.check import settings as safety_settings
from bot.storage.models import Case, Message, SafetyCheck

UNCERTAIN = "i just want everything to stop for a while"
ALSO_UNCERTAIN = "i want it all to stop"
HEAVY_BODY_NL = "ik slaap al weken slecht en ik ben altijd moe, mijn lijf kan gewoon niet meer"
PLAIN_INNER_NL = "Ik hou de schijn hoog voor iedereen, maar vanbinnen ben ik al een hele tijd op."   # no topic named


@pytest.fixture
def uncertain(monkeypatch):
    """Messages listed in UNCERTAIN_TEXTS land in the ask band; everything else is judged for real."""
    def detect(text, lang="en", **kwargs):
        if text in (UNCERTAIN, ALSO_UNCERTAIN, "ik wil dat alles gewoon stopt", HEAVY_BODY_NL):
            return CrisisAssessment(False, "elevated", ("suicidal_ideation_passive", "layer:classifier"), lang,
                                    band="ask", probability=0.7)
        return real_detect(text, lang, use_embeddings=False, **kwargs)

    monkeypatch.setattr("api.chat.detect", detect)


def _post(client, message, sender=sid("asker-1"), language="en", country=None):
    metadata = {"language": language}
    if country:
        metadata["country"] = country
    response = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": message, "metadata": metadata})
    assert response.status_code == 200, response.text
    return response.json()


def _customs(replies, key):
    return [r["custom"][key] for r in replies if key in (r.get("custom") or {})]


def _payloads(replies):
    return [b["payload"] for r in replies for b in r.get("buttons") or []]


def _cases(client):
    with client.app.state.db.session() as session:
        return session.scalars(select(Case)).all()


def test_uncertain_message_gets_the_direct_question_with_help_lines(client, fake_rasa, uncertain):
    replies = _post(client, UNCERTAIN, country="BE")
    check = _customs(replies, "safety_check")
    assert check, replies
    assert "1813" in [line["phone"] for line in check[0]["helplines"]]
    assert "ending your life" in replies[0]["text"] and "1813" in replies[0]["text"]
    for line in check[0]["helplines"]:   # every number once: "Zelfmoordlijn 1813", not "Zelfmoordlijn 1813 1813"
        assert replies[0]["text"].count(line["phone"]) == 1, replies[0]["text"]
    assert _payloads(replies) == ['/safety_check{"answer":"yes"}', '/safety_check{"answer":"unsure"}',
                                  '/safety_check{"answer":"no"}']
    assert not _customs(replies, "crisis")           # not the full response
    assert fake_rasa.sent == []                        # the engine waits for the answer
    assert _cases(client) == []                        # no case until they answer


def test_the_question_first_says_back_which_side_of_life_it_heard(client, fake_rasa, uncertain):
    from bot.reflection import reflect_back
    from bot.wellbeing.model import dimension

    replies = _post(client, HEAVY_BODY_NL, sender=sid("heavy-body"), language="nl")
    heard = reflect_back(HEAVY_BODY_NL, "nl")
    assert heard and dimension("physical", "nl").area in heard      # "… je lichaam."
    text = replies[0]["text"]
    assert text.startswith(heard) and "einde aan je leven" in text   # listened to, then asked
    assert _customs(replies, "safety_check")[0]["question"] not in heard


@pytest.fixture
def asked_at(monkeypatch):
    """PLAIN_INNER_NL lands in the question band at the position (0 = the question threshold, 1 = the
    crisis threshold) and from the layers the test sets; everything else is judged for real."""
    from bot.crisis import classifier

    classifier.warm_up(background=False)
    cut = classifier._state.lazy.model.cut("nl")
    where = {"position": 0.0, "layers": ("layer:classifier",)}

    def detect(text, lang="en", **kwargs):
        if text == PLAIN_INNER_NL:
            p = cut.ask_threshold + where["position"] * (cut.crisis_threshold - cut.ask_threshold)
            return CrisisAssessment(False, "elevated", ("suicidal_ideation_passive", *where["layers"]), lang,
                                    band="ask", probability=p)
        return real_detect(text, lang, use_embeddings=False, **kwargs)

    monkeypatch.setattr("api.chat.detect", detect)
    return where


# Between the listening limit and the say-back limit of the band: still asked, with a say-back.
LOW_BUT_ASKED = (float(safety_settings()["listen_instead"]["nl"]["below_band"])
                 + float(safety_settings()["say_back_without_topic_below"])) / 2


@pytest.mark.parametrize(("position", "layers", "says_back"), [
    (LOW_BUT_ASKED, ("layer:classifier",), True),   # low in the band: most often a plain reflection
    (0.6, ("layer:classifier",), False),            # higher up: no side of life without the person's own topic
    (0.05, ("layer:rules",), False),                # the lexicon heard crisis words: no guessing either
])
def test_without_a_named_topic_the_question_says_back_only_low_in_the_classifiers_band(
        client, fake_rasa, asked_at, position, layers, says_back):
    from bot.content import text as content_text
    from bot.wellbeing.model import dimension

    asked_at.update(position=position, layers=layers)
    replies = _post(client, PLAIN_INNER_NL, sender=sid(f"plain-{position}-{layers[0]}"), language="nl")
    text = replies[0]["text"]
    assert _customs(replies, "safety_check") and "einde aan je leven" in text
    first = text.split("\n\n")[0]
    assert (dimension("psychological", "nl").area in first) is says_back, text
    assert text.startswith(content_text("nl", "crisis.safety_check.question")) is not says_back


@pytest.mark.parametrize(("position", "layers", "listened"), [
    (0.05, ("layer:classifier",), True),                       # only just asked, surely a reflection
    (0.05, ("layer:rules",), False),                           # a lexicon match is always asked about
    (0.05, ("layer:classifier", "layer:context"), False),     # their earlier messages weigh in
    (0.6, ("layer:classifier",), False),                       # higher in the band: asked
])
def test_a_sure_reflection_only_just_in_the_band_is_listened_to_instead_of_asked_about(
        client, fake_rasa, asked_at, position, layers, listened):
    asked_at.update(position=position, layers=layers)
    sender = sid(f"listened-{position}-{'-'.join(layers)}")
    replies = _post(client, PLAIN_INNER_NL, sender=sender, language="nl")
    assert bool(_customs(replies, "safety_check")) is not listened, replies
    sent = [m["message"] for m in fake_rasa.sent]
    assert (sent[-1:] == [PLAIN_INNER_NL]) is listened     # the engine's reflective thread answers
    with client.app.state.db.session() as session:
        assert bool(session.scalars(select(SafetyCheck)).all()) is not listened
    assert _cases(client) == []


def test_with_the_engine_down_the_question_is_asked_after_all(client, fake_rasa, asked_at):
    fake_rasa.up = False   # nobody to listen: the question, not the engine-down notice
    asked_at.update(position=0.05, layers=("layer:classifier",))
    replies = _post(client, PLAIN_INNER_NL, sender=sid("listened-engine-down"), language="nl")
    assert _customs(replies, "safety_check") and "einde aan je leven" in replies[0]["text"]
    with client.app.state.db.session() as session:
        message = session.scalars(select(Message).where(Message.text == PLAIN_INNER_NL)).one()
        assert message.status == "held_for_safety_check"


def test_a_message_without_a_clear_side_of_life_gets_the_question_alone(client, fake_rasa, uncertain):
    from bot.content import text as content_text

    replies = _post(client, ALSO_UNCERTAIN, sender=sid("no-side"))
    assert replies[0]["text"].startswith(content_text("en", "crisis.safety_check.question"))


def test_yes_opens_the_full_crisis_response_and_a_case_with_the_original_message(client, fake_rasa, uncertain):
    _post(client, UNCERTAIN, country="NL")
    replies = _post(client, '/safety_check{"answer":"yes"}', country="NL")
    crisis = _customs(replies, "crisis")
    assert crisis and any("113" in line["phone"] for line in crisis[0]["helplines"])
    cases = _cases(client)
    assert len(cases) == 1 and cases[0].severity == "elevated"
    with client.app.state.db.session() as session:
        case = session.scalars(select(Case)).one()
        assert [t.text for t in case.triggers] == [UNCERTAIN]
    assert [t[1] for t in fake_rasa.triggered] == ["crisis_detected"]
    assert fake_rasa.sent == []


@pytest.mark.parametrize(("answer", "language"), [("not sure", "en"), ("idk", "en"), ("ik weet het niet", "nl"),
                                                  ("Ja.", "nl"), ("yes", "en")])
def test_typed_yes_or_not_sure_counts_as_an_answer(client, fake_rasa, uncertain, answer, language):
    _post(client, UNCERTAIN, language=language)
    replies = _post(client, answer, language=language)
    assert _customs(replies, "crisis"), replies
    assert len(_cases(client)) == 1


def test_no_thanks_and_goes_on_with_the_message_that_raised_the_question(client, fake_rasa, uncertain):
    _post(client, UNCERTAIN)
    replies = _post(client, "no")
    assert "Thank you for telling me" in replies[0]["text"]
    assert replies[-1]["text"] == f"echo: {UNCERTAIN}"   # the conversation goes on where it was
    assert [s["message"] for s in fake_rasa.sent] == [UNCERTAIN]
    assert _cases(client) == []
    with client.app.state.db.session() as session:
        assert session.scalars(select(SafetyCheck.answer)).all() == ["no"]
        first = session.scalars(select(Message).where(Message.text == UNCERTAIN)).one()
        assert first.status == "forwarded"


def test_after_no_the_same_kind_of_message_is_not_asked_again(client, fake_rasa, uncertain):
    _post(client, UNCERTAIN)
    _post(client, '/safety_check{"answer":"no"}')
    replies = _post(client, ALSO_UNCERTAIN)
    assert not _customs(replies, "safety_check")
    assert replies[-1]["text"] == f"echo: {ALSO_UNCERTAIN}"


def test_someone_else_is_still_asked(client, fake_rasa, uncertain):
    _post(client, UNCERTAIN, sender=sid("asker-a"))
    _post(client, "no", sender=sid("asker-a"))
    assert _customs(_post(client, UNCERTAIN, sender=sid("asker-b")), "safety_check")


def test_a_clear_crisis_while_the_question_is_open_gets_the_full_response(client, fake_rasa, uncertain):
    _post(client, UNCERTAIN)
    replies = _post(client, "i am going to kill myself tonight")
    assert _customs(replies, "crisis")
    with client.app.state.db.session() as session:
        assert session.scalars(select(SafetyCheck.answer)).all() == ["superseded"]
    # "no" after that is no longer an answer to an open question: the crisis flow holds.
    assert not any("Thank you for telling me. I'm glad" in (r.get("text") or "") for r in _post(client, "no"))


def test_the_question_is_asked_with_the_engine_down(client, fake_rasa, uncertain):
    fake_rasa.up = False
    assert _customs(_post(client, UNCERTAIN), "safety_check")
    replies = _post(client, "no")
    assert "Thank you for telling me" in replies[0]["text"]
    assert len(replies) == 2 and replies[1]["text"]   # an invitation to go on, not an error
    assert _customs(_post(client, "i want to end my life"), "crisis")


def test_dutch_question_and_answers(client, fake_rasa, uncertain):
    replies = _post(client, "ik wil dat alles gewoon stopt", language="nl", country="BE")
    assert "een einde aan je leven" in replies[0]["text"]
    assert [b["title"] for b in replies[0]["buttons"]] == ["Ja", "Ik weet het niet", "Nee"]
    replies = _post(client, "nee hoor", language="nl", country="BE")
    assert replies[0]["text"].startswith("Dank je")
    assert _cases(client) == []


def test_an_ordinary_reply_to_the_question_is_read_as_a_message(client, fake_rasa, uncertain):
    _post(client, UNCERTAIN)
    replies = _post(client, "my exams are coming up")
    assert replies[-1]["text"] == "echo: my exams are coming up"
    assert _cases(client) == []


def test_a_yes_button_without_an_open_question_is_taken_seriously(client, fake_rasa):
    replies = _post(client, '/safety_check{"answer":"yes"}')
    assert _customs(replies, "crisis")
    assert len(_cases(client)) == 1


def test_export_lists_and_delete_everything_removes_the_answers_to_the_question(client, fake_rasa, uncertain):
    _post(client, UNCERTAIN, sender=sid("asker-del"))
    _post(client, "no", sender=sid("asker-del"))
    exported = client.get(f"/api/me/{sid('asker-del')}/export").json()
    assert [q["answer"] for q in exported["safety_questions"]] == ["no"]
    assert client.delete(f"/api/me/{sid('asker-del')}").status_code == 200
    with client.app.state.db.session() as session:
        assert session.scalars(select(SafetyCheck).where(SafetyCheck.person_id == sid("asker-del"))).all() == []


def test_a_second_uncertain_message_before_an_answer_is_asked_in_other_words(client, fake_rasa, uncertain):
    texts = []
    for message in (UNCERTAIN, ALSO_UNCERTAIN, UNCERTAIN, ALSO_UNCERTAIN):
        replies = _post(client, message, sender=sid("asker-again"))
        assert _customs(replies, "safety_check") and "ending your life" in replies[0]["text"]
        texts.append(replies[0]["text"])
    assert all(a != b for a, b in zip(texts, texts[1:], strict=False)), texts
