"""The exercise library and the words that steer every guided exercise."""
from __future__ import annotations

import re

import pytest

from bot.content import section
from bot.exercises import controls, library
from bot.exercises.guided import parse_feedback
from bot.wellbeing.model import DIMENSIONS, LANGUAGES


def _raw(lang):
    return section(lang, "exercises")["exercises"]


def test_both_languages_have_the_same_ids_in_the_same_order():
    assert list(_raw("en")) == list(_raw("nl"))
    assert [e.id for e in library.exercises("en")] == [e.id for e in library.exercises("nl")]
    library.check()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("dim", DIMENSIONS)
def test_at_least_three_guided_exercises_per_dimension_covering_under_and_over(lang, dim):
    own = [e for e in library.exercises(lang) if e.dimension == dim and e.runner == "guided"]
    assert len(own) >= 3, [e.id for e in own]
    assert any("under" in e.suits for e in own)
    assert any("over" in e.suits for e in own)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_exercise_is_complete(lang):
    for ex in library.exercises(lang):
        assert 3 <= len(ex.steps) <= 7, ex.id
        assert ex.minutes > 0
        assert ex.title and ex.purpose.endswith("."), ex.id
        assert not re.search(r"\.\s+[A-Z]", ex.purpose), f"{ex.id}: purpose should be one sentence"
        assert all(len(step) < 400 for step in ex.steps), ex.id
        assert set(ex.suits) <= {"under", "over"} and ex.suits


def test_non_text_fields_match_across_languages():
    for en in library.exercises("en"):
        nl = library.exercise(en.id, "nl")
        assert (en.dimension, en.also, en.suits, en.minutes, en.values, en.runner) == \
               (nl.dimension, nl.also, nl.suits, nl.minutes, nl.values, nl.runner)
        assert en.title != nl.title or en.id == "focusing"


def test_focusing_is_in_the_catalogue_for_body_and_inner_world():
    focusing = library.exercise("focusing", "en")
    assert focusing.runner == "focusing"
    assert focusing.serves("physical") and focusing.serves("psychological")
    assert focusing in library.for_dimension("psychological", "en")


def test_for_dimension_filters_by_kind_main_dimension_first():
    under = library.for_dimension("physical", "en", "under")
    assert under and all(e.serves("physical", "under") for e in under)
    assert under[0].dimension == "physical"
    over = library.for_dimension("social", "nl", "over")
    assert {"time_alone", "kind_no"} <= {e.id for e in over}
    assert all("over" in e.suits for e in over)
    with pytest.raises(ValueError):
        library.for_dimension("financial", "en")
    with pytest.raises(ValueError):
        library.for_dimension("social", "en", "sideways")


def test_unknown_exercise():
    with pytest.raises(library.UnknownExercise):
        library.exercise("juggling", "en")
    assert not library.exists("juggling") and library.exists("body_scan")


def test_check_catches_a_language_that_drifts(monkeypatch):
    real = library._load

    def drifted(lang):
        data = dict(real(lang))
        if lang == "nl":
            data.pop("awe_walk")
        return data

    monkeypatch.setattr(library, "_load", drifted)
    with pytest.raises(ValueError, match="awe_walk"):
        library.check()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_reason_templates_exist_for_every_kind_and_dimension(lang):
    reasons = section(lang, "exercises")["reasons"]
    for key in ("under", "under_persistent", "over", "over_persistent"):
        for dim in DIMENSIONS:
            sentence = " ".join(reasons[key][dim].split())
            assert sentence.endswith(".") and sentence.count(". ") == 0, (key, dim)


# --------------------------------------------------------------------------------------------
# Controls


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_button_title_parses_to_its_control(lang):
    for kind in controls.ORDER:
        assert controls.parse(controls.label(kind, lang), lang) == kind
    assert controls.parse(controls.label("fits", lang), lang) == controls.READY
    assert controls.parse(controls.label("finish", lang), lang) == controls.READY
    assert controls.parse(controls.label("not_quite", lang), lang) == controls.NO
    assert controls.parse(controls.label("no_word", lang), lang) == controls.MORE


@pytest.mark.parametrize("text,lang,kind", [
    ("ready", "en", "ready"), ("OK, I'm ready now", "en", "ready"), ("next", "en", "ready"),
    ("back", "en", "back"), ("go back please", "en", "back"),
    ("more time", "en", "more"), ("not yet", "en", "more"), ("I'm not ready", "en", "more"),
    ("stop", "en", "stop"), ("can we stop please", "en", "stop"), ("pause", "en", "stop"),
    ("skip", "en", "skip"), ("no", "en", "no"), ("it doesn't fit", "en", "no"),
    ("klaar", "nl", "ready"), ("verder", "nl", "ready"), ("oké, ga maar door", "nl", "ready"),
    ("terug", "nl", "back"), ("nog even", "nl", "more"), ("ik ben nog niet klaar", "nl", "more"),
    ("stoppen", "nl", "stop"), ("ik wil stoppen", "nl", "stop"), ("overslaan", "nl", "skip"),
    ("het past niet", "nl", "no"), ("het past", "nl", "ready"),
    ("klaar", "en", "ready"), ("stop", "nl", "stop"), ("ready", "nl", "ready"),   # people mix
])
def test_control_words(text, lang, kind):
    assert controls.parse(text, lang) == kind


@pytest.mark.parametrize("text,lang", [
    ("I can't stop thinking about work", "en"), ("don't stop", "en"), ("heavy", "en"),
    ("a knot in my stomach", "en"), ("", "en"), ("niet stoppen", "nl"), ("zwaar", "nl"),
    ("een knoop in mijn buik", "nl"), ("I feel nothing at all", "en"),
])
def test_own_words_are_not_controls(text, lang):
    assert controls.parse(text, lang) is None


@pytest.mark.parametrize("text,lang,score", [
    ("It helped", "en", 1), ("A bit", "en", 0), ("Not really", "en", -1), ("yes", "en", 1),
    ("a bit helpful", "en", 0), ("it didn't help", "en", -1), ("no, it helped a lot", "en", 1),
    ("Het hielp", "nl", 1), ("Een beetje", "nl", 0), ("Niet echt", "nl", -1),
    ("het hielp niet", "nl", -1), ("ja hoor", "nl", 1), ("purple", "en", None), ("", "nl", None),
])
def test_parse_feedback(text, lang, score):
    assert parse_feedback(text, lang) == score


def _keys(node, path=""):
    if isinstance(node, dict):
        out = set()
        for key, value in node.items():
            out |= {f"{path}.{key}"} | _keys(value, f"{path}.{key}")
        return out
    return set()


@pytest.mark.parametrize("topic", ["exercises", "focusing"])
def test_english_and_dutch_texts_have_the_same_keys(topic):
    en, nl = _keys(section("en", topic)), _keys(section("nl", topic))
    english_only = {k for k in en if k.startswith((".matching.embedding", ".matching.neutral"))}
    assert en - english_only == nl


@pytest.mark.parametrize("lang", LANGUAGES)
def test_templates_fill_without_errors(lang):
    data = section(lang, "exercises")
    cases = [
        (data["guided"]["intro"], {"title": "TITLE", "purpose": "PURPOSE"}),
        (data["guided"]["duration"], {"minutes": 47}),
        (data["guided"]["step"], {"number": 2, "total": 9, "text": "STEPTEXT"}),
        (data["offer"]["line"], {"title": "TITLE", "minutes": 47, "reason": "REASON"}),
        (data["reasons"]["balanced_value"], {"value": "VALUE"}),
        (data["reasons"]["balanced_value_lead"], {"value": "VALUE"}),
    ]
    for template, values in cases:
        filled = template.format(**values)
        # Every value reaches the person, and no placeholder is left for them to read.
        assert all(str(v) in filled for v in values.values()), (template, filled)
        assert "{" not in filled and "}" not in filled, filled
