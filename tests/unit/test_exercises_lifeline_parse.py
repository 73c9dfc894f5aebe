"""Reading lifeline moments, answers and commands from free text, in English and Dutch."""
from __future__ import annotations

import pytest

from bot.exercises.lifeline.parse import (
    FEELING,
    LABEL,
    LAST,
    WHEN,
    Command,
    format_feeling,
    infer_birth_year,
    parse_birth_year,
    parse_command,
    parse_feeling,
    parse_point,
    parse_when,
    sort_points,
)


@pytest.mark.parametrize(("lang", "text", "age", "year", "label", "feeling"), [
    ("en", "when I was 12 we moved, that was hard, -3", 12, None, "we moved", -3),
    ("en", "at 18 I left home +4", 18, None, "I left home", 4),
    ("en", "2015: my father died -5", None, 2015, "my father died", -5),
    ("nl", "op mijn 20ste ging ik studeren, +4", 20, None, "ging ik studeren", 4),
    ("nl", "toen ik 7 was kreeg ik een hondje +3", 7, None, "kreeg ik een hondje", 3),
    ("nl", "in 2019 verloor ik mijn baan, -4", None, 2019, "verloor ik mijn baan", -4),
    ("nl", "rond mijn dertigste trouwde ik (+5)", 30, None, "trouwde ik", 5),
    ("en", "age 25 - burnout - minus 4", 25, None, "burnout", -4),
    ("nl", "-2 bij 40 jaar scheiding", 40, None, "scheiding", -2),
])
def test_the_example_formats(lang, text, age, year, label, feeling):
    p = parse_point(text, lang)
    assert p is not None
    assert (p.age, p.year, p.label, p.feeling) == (age, year, label, feeling)
    assert p.missing == []


@pytest.mark.parametrize(("lang", "text", "age", "year", "label", "feeling"), [
    # unicode minus, en dash, parentheses, spacing
    ("en", "age 25 burnout −3", 25, None, "burnout", -3),
    ("en", "at 40 lost my job (–2)", 40, None, "lost my job", -2),
    ("en", "in 2001 moved to Leeds ( +2 )", None, 2001, "moved to Leeds", 2),
    ("nl", "op 18-jarige leeftijd op kamers −1", 18, None, "op kamers", -1),
    # sign words, number words, ordinals, decades
    ("en", "when I was seven we got a dog, plus three", 7, None, "we got a dog", 3),
    ("nl", "toen ik twaalf was verhuisden we, min vier", 12, None, "verhuisden we", -4),
    ("nl", "op mijn eenentwintigste ging ik samenwonen, +4", 21, None, "ging ik samenwonen", 4),
    ("en", "graduated at twenty-one, it felt great", 21, None, "graduated", 4),
    ("en", "in my late twenties I travelled, mixed", 28, None, "I travelled", 0),
    ("nl", "in mijn twintiger jaren reisde ik veel, gemengd", 25, None, "reisde ik veel", 0),
    # feeling words instead of a number (from the YAML)
    ("en", "my divorce at 40, very hard", 40, None, "my divorce", -4),
    ("nl", "mijn scheiding op 40 jaar, heel zwaar", 40, None, "mijn scheiding", -4),
    ("en", "at 30 we got married, that was great", 30, None, "we got married", 4),
    ("nl", "toen ik 30 was trouwden we, geweldig", 30, None, "trouwden we", 4),
    ("en", "at 50 I retired, mixed feelings", 50, None, "I retired", 0),
    ("en", "at 16 first love, a bit sad", 16, None, "first love", -2),
    ("nl", "op mijn 16de eerste liefde, echt zwaar", 16, None, "eerste liefde", -4),
    # both a year and an age
    ("en", "in 2010, when I was 30, I moved to Utrecht, -1", 30, 2010, "I moved to Utrecht", -1),
    # dates, seasons, months stay out of the label and are not ages
    ("nl", "op 3 mei 2010 trouwden we +5", None, 2010, "trouwden we", 5),
    ("en", "in the summer of 2010 we married, +5", None, 2010, "we married", 5),
    # a number at the start, a bare number 0..5 at the end
    ("en", "12: changed schools, -2", 12, None, "changed schools", -2),
    ("en", "at 18 I left home 4", 18, None, "I left home", 4),
    # a hyphenated word is not a feeling
    ("en", "covid-19 lockdown in 2020, -3", None, 2020, "covid-19 lockdown", -3),
])
def test_more_formats(lang, text, age, year, label, feeling):
    p = parse_point(text, lang)
    assert p is not None
    assert (p.age, p.year, p.label, p.feeling) == (age, year, label, feeling)


def test_no_feeling_given_is_missing():
    p = parse_point("my wedding at 30", "en")
    assert (p.age, p.label, p.feeling) == (30, "my wedding", None)
    assert p.missing == [FEELING]


def test_a_feeling_word_inside_the_story_is_not_a_feeling():
    p = parse_point("worked hard on my thesis at 22", "en")
    assert p.feeling is None and p.label == "worked hard on my thesis"


def test_nothing_about_when():
    p = parse_point("we got a dog, +3", "en")
    assert (p.age, p.year, p.feeling, p.label) == (None, None, 3, "we got a dog")
    assert p.missing == [WHEN]


def test_only_when_and_feeling_asks_for_words():
    p = parse_point("at 12, -3", "en")
    assert p.missing == [LABEL]
    p = parse_point("toen ik 12 was, -3", "nl")
    assert p.missing == [LABEL]


def test_missing_is_in_asking_order():
    assert parse_point("we moved", "en").missing == [WHEN, FEELING]


@pytest.mark.parametrize(("text", "lang"), [("", "en"), ("   ", "nl"), ("?!", "en")])
def test_nothing_readable_is_none(text, lang):
    assert parse_point(text, lang) is None


def test_years_versus_ages():
    assert parse_point("1998 first job +2", "en").year == 1998
    assert parse_point("at 1850 something", "en").year is None          # outside 1900-2100
    p = parse_point("at 130 I was very old", "en")
    assert p.age is None                                                 # never an age above 120
    assert parse_point("at 3pm I called mum +2", "en").age is None       # a time, not an age
    assert parse_point("op 3 mei 2010 trouwden we", "nl").age is None    # a date, not an age


def test_feelings_are_capped():
    assert parse_point("at 20 best year ever +8", "en").feeling == 5
    assert parse_point("at 20 worst year -10", "en").feeling == -5


def test_birth_year_fills_the_other_field():
    p = parse_point("2015: my father died -5", "en", birth_year=1985)
    assert (p.age, p.year, p.said) == (30, 2015, "year")
    p = parse_point("at 18 I left home +4", "en", birth_year=1985)
    assert (p.age, p.year, p.said) == (18, 2003, "age")


def test_other_language_is_tried_when_the_session_language_reads_less():
    p = parse_point("toen ik 7 was kreeg ik een hondje +3", "en")
    assert (p.age, p.feeling) == (7, 3)
    p = parse_point("when I was 12 we moved, -3", "nl")
    assert (p.age, p.feeling, p.label) == (12, -3, "we moved")


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("en", "done", Command("done")),
    ("en", "I'm done", Command("done")),
    ("nl", "klaar", Command("done")),
    ("nl", "Ik ben klaar.", Command("done")),
    ("en", "klaar", Command("done")),                        # people mix languages
    ("en", "undo", Command("undo")),
    ("nl", "ongedaan maken", Command("undo")),
    ("en", "change the last one", Command("change", LAST)),
    ("en", "Change it", Command("change", LAST)),
    ("nl", "verander de laatste", Command("change", LAST)),
    ("en", "change the last one: it was -2", Command("change", LAST, "it was -2")),
    ("en", "change 2: at 14, -2", Command("change", 2, "at 14, -2")),
    ("nl", "pas 2 aan: op mijn 14de", Command("change", 2, "op mijn 14de")),
    ("en", "no, it was -2", Command("change", LAST, "it was -2")),
    ("nl", "nee, het was op mijn 13de", Command("change", LAST, "het was op mijn 13de")),
    ("en", "no", Command("change", LAST)),
    ("en", "delete 3", Command("delete", 3)),
    ("en", "delete the third one", Command("delete", 3)),
    ("en", "remove number two", Command("delete", 2)),
    ("nl", "verwijder 3", Command("delete", 3)),
    ("nl", "haal 2 weg", Command("delete", 2)),
    ("en", "delete", Command("delete")),
    ("en", "show", Command("show")),
    ("nl", "toon", Command("show")),
    ("en", "Yes, that's right", Command("yes")),
    ("nl", "dat klopt", Command("yes")),
    ("en", "help", Command("help")),
])
def test_commands(lang, text, expected):
    assert parse_command(text, lang) == expected


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "at 18 I left home +4"), ("nl", "op mijn 20ste ging ik studeren, +4"), ("en", "we moved"),
    ("en", "done with school at 16, +3"), ("nl", "klaar met school op mijn 16de"),
])
def test_moments_are_not_commands(lang, text):
    assert parse_command(text, lang) is None


@pytest.mark.parametrize(("text", "value"), [
    ("-3", -3), ("3", 3), ("+2", 2), ("0", 0), ("−4", -4), ("min drie", -3), ("minus two", -2),
    ("very hard", -4), ("heel zwaar", -4), ("great", 4), ("geweldig", 4), ("mixed", 0), ("gemengd", 0),
    ("pretty good", 4), ("a bit sad", -2), ("skip", None), ("I don't remember", None),
])
def test_feeling_answers(text, value):
    assert parse_feeling(text, "en") == value
    assert parse_feeling(text, "nl") == value


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("12", "en", (12, None)), ("1998", "en", (None, 1998)), ("twelve", "en", (12, None)),
    ("about 30", "en", (30, None)), ("when I was 5", "en", (5, None)), ("op mijn 13de", "nl", (13, None)),
    ("rond 2005", "nl", (None, 2005)), ("geen idee", "nl", None),
])
def test_when_answers(text, lang, expected):
    assert parse_when(text, lang) == expected


def test_when_answer_with_birth_year():
    assert parse_when("1998", "en", birth_year=1980) == (18, 1998)
    assert parse_when("12", "en", birth_year=1980) == (12, 1992)


def test_birth_year_answer():
    assert parse_birth_year("1975", "en") == 1975
    assert parse_birth_year("ik ben geboren in 1962", "nl") == 1962
    assert parse_birth_year("skip", "en") is None


def test_sort_points_without_birth_year_puts_ages_first_then_years():
    points = [{"year": 2019, "label": "a"}, {"age": 30, "label": "b"}, {"label": "c"}, {"age": 7, "label": "d"},
              {"year": 1998, "label": "e"}]
    assert [p["label"] for p in sort_points(points)] == ["d", "b", "e", "a", "c"]


def test_sort_points_with_a_birth_year_puts_everything_on_one_line():
    points = [{"year": 2019, "label": "a"}, {"age": 30, "label": "b"}, {"age": 7, "label": "d"},
              {"year": 1998, "label": "e"}]
    assert [p["label"] for p in sort_points(points, 1980)] == ["d", "e", "b", "a"]


def test_birth_year_is_inferred_from_a_point_with_both():
    points = [{"age": 30, "year": 2010}, {"year": 2000}, {"age": 25}]
    assert infer_birth_year(points) == 1980
    assert [(p.get("age"), p.get("year")) for p in sort_points(points)] == [(None, 2000), (25, None), (30, 2010)]


def test_format_feeling_uses_a_real_minus():
    shown = (format_feeling(-3), format_feeling(4), format_feeling(0), format_feeling(None))
    assert shown == ("\u22123", "+4", "0", "")
