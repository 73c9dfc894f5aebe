"""Reflective listening (bot/reflection): what a person notices when they share something."""
from __future__ import annotations

import re

import pytest
import yaml

from bot.content import CONTENT_DIR
from bot.reflection import Thread, answer, begin, dimension_named, hear
from bot.wellbeing.model import DIMENSIONS, dimension

LANGS = ("en", "nl")


def _text(reply) -> str:
    return " ".join(m.get("text") or "" for m in reply.messages)


def _names_side(text: str, dim: str, lang: str) -> bool:
    return dimension(dim, lang).area.lower() in text.lower()


SHARED = {
    "en": [("I sleep badly and my body aches every morning", "physical"),
           ("I feel lonely, my friends never call me anymore", "social"),
           ("my thoughts keep racing and I can't switch off my head", "psychological"),
           ("I wonder what my life is for, it all feels pointless at work", "spiritual")],
    "nl": [("ik slaap slecht en mijn rug doet elke ochtend pijn", "physical"),
           ("ik voel me eenzaam, mijn vrienden bellen nooit meer", "social"),
           ("mijn gedachten blijven maar malen, ik krijg mijn hoofd niet stil", "psychological"),
           ("ik vraag me af waar ik het allemaal voor doe, wat is de zin ervan", "spiritual")],
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_shared_message_is_reflected_with_its_side_of_life_and_one_open_question(lang):
    for message, dim in SHARED[lang]:
        reply = begin(message, lang)
        text = _text(reply)
        assert _names_side(text, dim, lang), (message, text)
        assert text.count("?") == 1 and text.rstrip().endswith("?"), text
        assert reply.open and reply.thread.dimension == dim


@pytest.mark.parametrize("lang", LANGS)
def test_the_thread_takes_answers_as_answers_then_offers_a_next_step_for_that_side(lang):
    message, dim = SHARED[lang][0]
    first = begin(message, lang)
    # A short answer that mentions another side of life's words is still an answer.
    second = answer("misschien met vrienden" if lang == "nl" else "maybe with friends", first.thread)
    assert second.open and second.thread.dimension == dim
    assert _text(second).endswith("?") and _text(second) != _text(first)
    third = answer("ik denk het wel" if lang == "nl" else "I think so, yes", second.thread)
    assert not third.open
    payloads = [b["payload"] for b in third.messages[-1]["buttons"]]
    assert f'/look_closer{{"dimension": "{dim}"}}' in payloads
    assert f'/start_exercise{{"dimension": "{dim}"}}' in payloads
    assert "/start_checkin" in payloads and "/request_mentor" in payloads
    assert _names_side(_text(third), dim, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_no_reply_is_sent_twice_in_a_row_even_to_the_same_words(lang):
    recent: list[str] = []
    previous = None
    for message, _ in SHARED[lang] * 3:
        reply = begin(message, lang, recent=recent)
        text = _text(reply)
        assert text != previous
        assert text not in recent[-4:]
        recent = reply.thread.recent
        previous = text


@pytest.mark.parametrize("lang,message", [("en", "I don't believe in God though"),
                                          ("nl", "ik geloof niet in god hoor")])
def test_not_believing_in_god_is_met_with_what_meaning_is_about(lang, message):
    for reply in (begin(message, lang), answer(message, begin(SHARED[lang][3][0], lang).thread)):
        text = _text(reply).lower()
        words = ("religion", "belie", "faith") if lang == "en" else ("religie", "geloof", "geloven")
        assert any(w in text for w in words), text
        assert text.rstrip().endswith("?")
        assert reply.thread.dimension == "spiritual"


@pytest.mark.parametrize("lang,dont_know", [("en", "I don't know"), ("nl", "geen idee")])
def test_i_dont_know_gets_one_gentler_question_not_two(lang, dont_know):
    reply = answer(dont_know, begin(SHARED[lang][1][0], lang).thread)
    assert _text(reply).count("?") == 1
    assert reply.open


@pytest.mark.parametrize("lang,goal,topic_word", [("en", "I want to quit smoking", "smok"),
                                                  ("nl", "ik wil stoppen met roken", "roken"),
                                                  ("nl", "ik wil minder drinken in het weekend", "alcohol"),
                                                  # the goal's object leads, not the company it names
                                                  ("en", "I want to drink less when I go out with my friends",
                                                   "alcohol")])
def test_an_ordinary_goal_is_taken_as_a_goal(lang, goal, topic_word):
    text = _text(begin(goal, lang, kind="ordinary_goal"))
    assert topic_word in text.lower()
    assert _names_side(text, "physical", lang)   # the side of life it touches, as every reflection names it
    assert text.endswith("?")
    assert "112" not in text


def test_a_goal_whose_topic_already_names_its_side_does_not_name_it_twice():
    text = _text(begin("I want to cancel my gym subscription", "en", kind="ordinary_goal"))
    assert text.lower().count("your body") == 1, text


@pytest.mark.parametrize("lang", LANGS)
def test_unclear_messages_are_not_labelled_but_invited(lang):
    reply = begin("hmm", lang)
    assert reply.thread.dimension is None and reply.open
    assert not any(_names_side(_text(reply), d, lang) for d in DIMENSIONS if d != "spiritual")


def test_a_long_answer_about_another_side_of_life_is_followed_there():
    first = begin("I work far too much, there is no evening without my laptop", "en")
    turned = answer("Honestly what bothers me more is that I barely see my friends and my family anymore", first.thread)
    assert turned.thread.dimension == "social" and turned.open
    assert _names_side(_text(turned), "social", "en")


@pytest.mark.parametrize("junk", [None, "", "{not json", 42, {"dimension": "physical", "bogus": 1}])
def test_a_thread_survives_whatever_the_slot_holds(junk):
    thread = Thread.from_dict(junk, "nl")
    assert thread.lang == "nl"
    assert answer("ik weet het niet goed", thread).messages


def test_direction_cues_read_too_much_and_too_little():
    assert hear("I spend way too much time at the gym", "en").direction == "too_much"
    assert hear("ik zie mijn vrienden amper nog", "nl").direction == "too_little"


def test_content_files_match_across_languages_and_fill_their_placeholders():
    files = {lang: yaml.safe_load((CONTENT_DIR / lang / "reflection.yml").read_text(encoding="utf-8"))
             for lang in LANGS}

    def keys(node, prefix=""):
        if isinstance(node, dict):
            out = set()
            for k, v in node.items():
                if prefix == "topics." or prefix.startswith("cues"):
                    out.add(prefix + str(k))
                    continue
                out |= {prefix + str(k)} | keys(v, f"{prefix}{k}.")
            return out
        return set()

    assert keys(files["en"]) == keys(files["nl"])
    for lang, data in files.items():
        assert set(data["topics"]) == set(files["en"]["topics"])
        for topic, spec in data["topics"].items():
            assert spec["dimension"] in DIMENSIONS, topic
        for dim in DIMENSIONS:
            for direction in ("too_much", "too_little", "unclear"):
                for variant in data["reflect"]["with_topic"][dim][direction]:
                    assert "{topic}" in variant and "{area}" in variant, variant
                for variant in data["reflect"]["without_topic"][dim][direction]:
                    assert "{area}" in variant and "{topic}" not in variant, variant
                assert all(q.strip().endswith("?") for q in data["questions"][dim][direction])
        for text in [*data["acknowledge"], *data["unclear"]["reflect"], *data["want_to_talk"]]:
            assert not re.search(r"\{\w+\}", text), text


@pytest.mark.parametrize("lang,message", [("en", "I don't know what to do about my job, I'm on my knees every evening"),
                                          ("nl", "ik weet het niet meer met mijn job, ik ben elke avond kapot")])
def test_i_dont_know_inside_something_shared_is_listened_to_not_answered(lang, message):
    reply = begin(message, lang)
    assert reply.thread.dimension is not None
    assert any(_names_side(_text(reply), d, lang) for d in DIMENSIONS)


HEAVY = [  # (message, language, topic): meaning, illness, loss of a life role, loneliness, mortality
    ("mijn leven voelt zinloos sinds mijn pensioen", "nl", "purpose"),
    ("wat ben ik nog waard sinds ik ziek ben", "nl", "health"),
    ("ik voel me eenzaam, ook tussen mensen", "nl", "loneliness"),
    ("I have been thinking about my own death lately", "en", "mortality"),
    ("my illness has taken so much from me", "en", "health"),
    ("I feel lonely even with people around me", "en", "loneliness"),
]


@pytest.mark.parametrize(("message", "lang", "topic"), HEAVY)
def test_on_heavy_existential_themes_the_bot_stays_with_the_person_first(message, lang, topic):
    """Issue 14.1 (Leijssen's ally in suffering): the first question asks what carried the person or
    what is still there, nothing is offered yet, and the dimension's own questions come after."""
    bank = yaml.safe_load((CONTENT_DIR / lang / "reflection.yml").read_text(encoding="utf-8"))
    first = begin(message, lang)
    assert first.thread.topic == topic
    asked = first.thread.asked[-1]
    assert asked in bank["stay_with"][topic] and _text(first).endswith(asked)
    assert not any(m.get("buttons") for m in first.messages)
    second = answer("mijn kinderen, denk ik" if lang == "nl" else "my kids, I think", first.thread)
    assert second.open and not any(m.get("buttons") for m in second.messages)
    assert second.thread.asked[-1] not in bank["stay_with"][topic]


def test_every_stay_with_topic_exists_in_both_languages():
    banks = {lang: yaml.safe_load((CONTENT_DIR / lang / "reflection.yml").read_text(encoding="utf-8"))
             for lang in LANGS}
    for lang, bank in banks.items():
        assert set(bank["stay_with"]) <= set(bank["topics"])
        assert all(len(questions) >= 2 and all(q.endswith("?") for q in questions)
                   for questions in bank["stay_with"].values())
    assert banks["en"]["stay_with"].keys() == banks["nl"]["stay_with"].keys()


@pytest.mark.parametrize(("message", "lang", "not_topic", "topic"), [
    ("Ik wil een goede moeder zijn maar ik ben zo moe", "nl", "je ouders", "je kinderen"),
    ("als papa wil ik meer thuis zijn voor het gezin", "nl", "je ouders", "je kinderen"),
    ("I want to be a good mother but I'm so tired", "en", "your parents", "your children"),
    ("my mother calls me every day and it wears me out", "en", "your children", "your parents"),
])
def test_being_a_parent_is_heard_as_about_ones_children_not_ones_parents(message, lang, not_topic, topic):
    said = _text(begin(message, lang)).lower()
    assert topic in said and not_topic not in said


@pytest.mark.parametrize("message, lang, named", [
    ("can we have a look at my feelings", "en", "psychological"),
    ("kunnen we naar mijn gevoelens kijken", "nl", "psychological"),
    ("what do you mean by spiritual?", "en", "spiritual"),
    ("i'd like to take a closer look at my friendships", "en", "social"),
    ("'k wil eens beter kijken naar mijn vriendschappen", "nl", "social"),
    ("look closer at my family life", "en", "social"),
    ("kunnen we eens naar mijn gezinsleven kijken", "nl", "social"),
    # words that only look like a side's word name none: the bot must not explain a side because of them
    ("I have been feeling so lonely lately", "en", None),
    ("ik heb het gevoel dat niemand me ziet", "nl", None),
    ("I work way too much and I barely see my friends anymore", "en", None),
])
def test_a_side_of_life_is_named_by_its_words_not_by_words_that_only_look_like_them(message, lang, named):
    assert dimension_named(message, lang) == named
