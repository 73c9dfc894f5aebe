"""Mapping a free-text reflection to dimensions: embeddings for English, a lexicon for Dutch.

The English sentences below are not prototypes (en/dimensions.yml); they are the calibration set
for the numbers in thresholds.yml (reflection.embedding).
"""
from __future__ import annotations

import threading

import pytest

from bot.wellbeing import reflection
from bot.wellbeing.model import DIMENSIONS, dimension
from bot.wellbeing.reflection import confirmation_question, lexicon_hits, map_reflection

CLEAR_EN = {
    "physical": ["I've had back pain for months.", "I eat too much sugar.", "I barely sleep five hours a night.",
                 "I've been getting headaches every afternoon.", "I want to start running again."],
    "social": ["My best friend moved abroad and I miss her.", "My husband and I hardly talk anymore.",
               "I spend every weekend helping my parents.", "I joined a choir and met lovely people.",
               "I'm proud of my daughter."],
    "psychological": ["I'm too hard on myself.", "I journal every morning to sort out my feelings.",
                      "I'm scared of making the wrong choices.", "My mind never stops racing at night.",
                      "I want to grow as a person."],
    "spiritual": ["Praying gives me peace.", "I feel awe when I walk in the mountains.",
                  "Life feels pointless lately.", "I lost my faith after my father died.",
                  "I want to leave the world a bit better than I found it."],
}
VAGUE_EN = ["Hmm.", "Dunno really.", "Okay then.", "Sure.", "That's a hard one.", "Can we continue?",
            "Traffic was bad.", "I watched TV.", "It's been an ordinary week.", "Fine thanks.", "Meh."]


@pytest.mark.model
@pytest.mark.parametrize("expected,text", [(d, t) for d, ts in CLEAR_EN.items() for t in ts])
def test_clear_english_texts_map_to_their_dimension(expected, text):
    mapped = map_reflection(text, "en")
    assert mapped, f"{text!r} mapped to nothing"
    assert expected in [d for d, _ in mapped], mapped      # the person confirms which one
    assert all(0 < score <= 1 for _, score in mapped)


@pytest.mark.model
def test_clear_english_texts_mostly_rank_their_dimension_first():
    pairs = [(d, t) for d, ts in CLEAR_EN.items() for t in ts]
    first = sum(1 for d, t in pairs if map_reflection(t, "en")[0][0] == d)
    assert first / len(pairs) >= 0.9


@pytest.mark.model
@pytest.mark.parametrize("text", VAGUE_EN)
def test_vague_english_texts_map_to_nothing(text):
    assert map_reflection(text, "en") == []


@pytest.mark.model
def test_a_text_about_two_things_maps_to_both():
    mapped = dict(map_reflection("I feel so lonely lately. And my back hurts all the time.", "en"))
    assert {"social", "physical"} <= set(mapped)


@pytest.mark.model
def test_english_mapping_is_thread_safe():
    results: list = []
    texts = [CLEAR_EN[d][0] for d in DIMENSIONS] * 3

    def work(t):
        results.append((t, map_reflection(t, "en")[0][0]))

    threads = [threading.Thread(target=work, args=(t,)) for t in texts]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    expected = {CLEAR_EN[d][0]: d for d in DIMENSIONS}
    assert len(results) == len(texts) and all(expected[t] == d for t, d in results)


@pytest.mark.parametrize("expected,text", [
    ("physical", "Ik slaap slecht en mijn rug doet pijn."),
    ("physical", "Ik ben weer begonnen met wandelen en fietsen."),
    ("social", "Ik voel me eenzaam sinds de scheiding."),
    ("social", "Mijn kinderen en mijn schoonfamilie vragen veel van me."),
    ("psychological", "Ik twijfel voortdurend aan mezelf."),
    ("psychological", "Ik pieker veel en ben vaak angstig."),
    ("spiritual", "Wat is eigenlijk de zin van het leven?"),
    ("spiritual", "Mijn geloof geeft me houvast, ik bid elke avond."),
])
def test_dutch_lexicon(expected, text):
    mapped = map_reflection(text, "nl")
    assert mapped and mapped[0][0] == expected, (mapped, lexicon_hits(text, "nl"))


@pytest.mark.parametrize("text", ["Ik weet het niet.", "Gewoon goed.", "Natuurlijk ga ik morgen werken.",
                                  "Zelfs dat lukt niet.", "Dat is zielig.", ""])
def test_dutch_lexicon_leaves_vague_text_and_stem_traps_alone(text):
    assert map_reflection(text, "nl") == []


def test_dutch_lexicon_finds_two_dimensions_and_explains_itself():
    mapped = dict(map_reflection("In de natuur voel ik me deel van een groter geheel.", "nl"))
    assert set(mapped) == {"physical", "spiritual"}
    assert lexicon_hits("In de natuur voel ik me deel van een groter geheel.", "nl")["spiritual"] == ["groter geheel"]


def test_english_falls_back_to_its_lexicon_without_the_model(monkeypatch):
    monkeypatch.setattr(reflection, "_load", lambda: False)
    assert map_reflection("My friends and my family mean everything.", "en")[0][0] == "social"
    assert map_reflection("Hmm.", "en") == []


def test_lexicon_band_comes_from_the_yaml(monkeypatch):
    text = "Ik slaap slecht, mijn rug doet pijn en ik pieker."   # 3 physical hits, 1 psychological
    assert [d for d, _ in map_reflection(text, "nl")] == ["physical"]
    real = reflection.thresholds

    def patched():
        t = real()
        return dict(t, reflection=dict(t["reflection"], lexicon={"min_hits": 1, "band": 0.2}))

    monkeypatch.setattr(reflection, "thresholds", patched)
    assert [d for d, _ in map_reflection(text, "nl")] == ["physical", "psychological"]


def test_confirmation_questions():
    assert confirmation_question([("social", 0.6)], "en") == "It sounds like this touches your relationships. Is that right?"
    assert confirmation_question(["social"], "nl") == "Het klinkt alsof dit gaat over je relaties. Klopt dat?"
    two = confirmation_question(["social", "physical"], "en")
    assert "your relationships and your body" in two
    none = confirmation_question([], "nl")
    assert all(dimension(d, "nl").area in none for d in DIMENSIONS)
    assert none.startswith("Over welke kant van je leven gaat dit vooral")
