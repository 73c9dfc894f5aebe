"""Reading typed ratings and values in English and Dutch, and the texts around the answers."""
from __future__ import annotations

import pytest

from bot.wellbeing.answers import (
    NOT_UNDERSTOOD,
    PAUSE,
    SKIP,
    Kind,
    Rating,
    between_text,
    is_pause,
    parse_rating,
    parse_values,
    question,
    transition,
)
from bot.wellbeing.model import DIMENSIONS, DimensionAnswer


def value(n: int) -> Rating:
    return Rating(Kind.VALUE, n)


@pytest.mark.parametrize("text,expected", [
    ("7", 7), ("7/10", 7), ("7 out of 10", 7), ("7 of 10", 7), (" 7. ", 7), ("10", 10), ("0", 0),
    ("I'd say 6", 6), ("seven", 7), ("Seven out of ten", 7), ("ten!", 10), ("zero", 0),
    ("6 or 7", 7), ("6-7", 7), ("between four and five", 5), ("3 out of 5", 6), ("80%", 8),
    ("7.5", 8),
    ("a lot", 8), ("A LOT!", 8), ("quite a bit", 7), ("some", 4), ("a bit", 4), ("very little", 2),
    ("almost nothing", 1), ("nothing at all", 0), ("nothing", 0), ("not at all", 0),
    ("average", 5), ("a great deal", 9), ("not much", 2), ("not much, but some", 3),
    ("no idea, maybe 5", 5),
])
def test_english_ratings(text, expected):
    assert parse_rating(text, "en") == value(expected)


@pytest.mark.parametrize("text,expected", [
    ("7", 7), ("7 op 10", 7), ("7 van de 10", 7), ("7,5", 8), ("zeven", 7), ("tien", 10), ("nul", 0),
    ("een", 1), ("één", 1), ("een acht", 8), ("zes of zeven", 7), ("Zeven op tien", 7),
    ("heel veel", 9), ("veel", 8), ("best veel", 7), ("een beetje", 4), ("bijna niets", 1),
    ("helemaal niets", 0), ("niets", 0), ("gemiddeld", 5), ("heel weinig", 2), ("Bijna niks.", 1),
])
def test_dutch_ratings(text, expected):
    assert parse_rating(text, "nl") == value(expected)


@pytest.mark.parametrize("lang,text", [
    ("en", "skip"), ("en", "Skip this one please"), ("en", "I'd rather not"), ("en", "I’d rather not say"),
    ("en", "pass"), ("nl", "overslaan"), ("nl", "liever niet"), ("nl", "sla over"),
    ("nl", "Zeg ik liever niet"), ("nl", "sla deze vraag maar over"),
])
def test_skip(lang, text):
    assert parse_rating(text, lang) == SKIP


@pytest.mark.parametrize("lang,text", [
    ("en", "stop"), ("en", "pause"), ("en", "Can we pause for now?"), ("en", "let's take a break"),
    ("nl", "pauze"), ("nl", "stoppen"), ("nl", "Ik wil even stoppen"), ("nl", "stop"),
])
def test_pause_is_its_own_result(lang, text):
    assert parse_rating(text, lang) == PAUSE
    assert is_pause(text, lang)


@pytest.mark.parametrize("lang,text", [
    ("en", "I can't stop working"), ("en", "don't stop"), ("nl", "ik wil niet stoppen"),
])
def test_stop_inside_a_sentence_is_not_a_pause(lang, text):
    assert parse_rating(text, lang).kind is not Kind.PAUSE


@pytest.mark.parametrize("lang,text", [
    ("en", "banana"), ("en", "12"), ("en", "45 and 7"), ("en", ""), ("nl", "appel"), ("nl", "wat bedoel je?"),
])
def test_not_understood(lang, text):
    assert parse_rating(text, lang) == NOT_UNDERSTOOD


@pytest.mark.parametrize("lang,text", [("en", "I don't know"), ("en", "no idea"), ("nl", "geen idee"),
                                       ("nl", "weet ik niet")])
def test_unsure_is_not_understood_with_a_hint(lang, text):
    r = parse_rating(text, lang)
    assert r.kind is Kind.NOT_UNDERSTOOD and r.hint == "unsure"


def test_the_other_language_is_tried_too():
    assert parse_rating("heel veel", "en") == value(9)
    assert parse_rating("a lot", "nl") == value(8)


def test_rating_words_come_from_the_content_file(monkeypatch):
    from bot.wellbeing import answers

    real = answers.section

    def patched(lang, topic):
        data = real(lang, topic)
        if topic == "checkin":
            data = dict(data, ratings=dict(data["ratings"], phrases={"loads and loads": 10}))
        return data

    answers._rating_words.cache_clear()
    monkeypatch.setattr(answers, "section", patched)
    try:
        assert parse_rating("loads and loads", "en") == value(10)
        assert answers._parse_in("a lot", "en") == NOT_UNDERSTOOD   # no longer in the English list
    finally:
        answers._rating_words.cache_clear()


# ---- values -----------------------------------------------------------------------------------

def test_values_in_english():
    c = parse_values("health and beauty", "physical", "en")
    assert c.kind is Kind.VALUE and c.values == ("health", "beauty") and c.other_value is None
    c = parse_values("Good health, feeling safe and my garden", "physical", "en")
    assert c.values == ("health", "safety") and c.other_value == "my garden"
    assert parse_values("meaning something for others", "social", "en").values == ("mattering",)
    assert parse_values("freedom & wisdom", "psychological", "en").values == ("freedom", "wisdom")


def test_values_in_dutch():
    c = parse_values("gezondheid, schoonheid", "physical", "nl")
    assert c.values == ("health", "beauty") and c.other_value is None
    c = parse_values("iets betekenen voor anderen en succes", "social", "nl")
    assert c.values == ("mattering", "success")
    c = parse_values("Verbondenheid met iets groters en muziek", "spiritual", "nl")
    assert c.values == ("connection",) and c.other_value == "muziek"


def test_anything_else_becomes_other_value_in_the_persons_words():
    c = parse_values("My cat, honestly", "physical", "en")
    assert c.kind is Kind.VALUE and c.values == () and c.other_value == "My cat"
    c = parse_values("Mijn kat, eerlijk gezegd", "physical", "nl")
    assert c.values == () and c.other_value == "Mijn kat"


def test_values_by_number_all_none_skip_and_pause():
    assert parse_values("1 and 3", "physical", "en").values == ("health", "comfort")
    assert parse_values("all of them", "spiritual", "en").values == ("connection", "inspiration")
    assert parse_values("allemaal", "spiritual", "nl").values == ("connection", "inspiration")
    none = parse_values("none", "social", "en")
    assert none.kind is Kind.VALUE and none.values == () and none.other_value is None
    assert parse_values("skip", "social", "en").kind is Kind.SKIP
    assert parse_values("liever niet", "social", "nl").kind is Kind.SKIP
    assert parse_values("pauze", "social", "nl").kind is Kind.PAUSE
    assert parse_values("   ", "social", "nl").kind is Kind.NOT_UNDERSTOOD


# ---- texts ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_dimension_has_its_questions(lang):
    for d in DIMENSIONS:
        assert transition(d, lang)
        for step in ("investment", "fulfilment", "values", "reflection"):
            assert "\n" not in question(d, step, lang) and len(question(d, step, lang)) > 20
        assert "10" in question(d, "investment", lang)


def test_between_texts_use_what_the_person_said():
    a = DimensionAnswer("social", 8, 3, ("belonging",), "my choir")
    en = between_text(a, "en")
    assert "8 of 10" in en and "3 of 10" in en and "your relationships" in en
    assert "belonging and my choir" in en
    nl = between_text(a, "nl")
    assert "8 van 10" in nl and "erbij horen en my choir" in nl
    assert between_text(None, "en") == between_text(DimensionAnswer("social"), "en")
    assert "5 of 10" in between_text(DimensionAnswer("physical", 5, None), "en")
    high = between_text(DimensionAnswer("physical", 9, 9), "en")
    assert high.startswith("You put a lot into your body")
