"""The Rasa project itself: data validation and conversation tests in English and Dutch."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
sys.path.insert(0, str(ROOT / "scripts"))

pytestmark = pytest.mark.slow


def _rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", RASA_TELEMETRY_ENABLED="false")
    return subprocess.run([str(RASA), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)


def test_training_data_and_domain_are_consistent():
    result = _rasa("data", "validate", "--domain", "domain", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_conversations_in_english_and_dutch(tmp_path):
    import stack

    model = stack.ensure_model(quiet=True)
    result = _rasa("test", "--model", str(model), "--stories", "tests/conversations",
                   "--fail-on-prediction-errors", "--out", str(tmp_path / "results"))
    report = ""
    failed = tmp_path / "results" / "failed_test_stories.yml"
    if failed.exists():
        report = failed.read_text()
    assert result.returncode == 0, report[-6000:] + result.stdout[-3000:] + result.stderr[-3000:]


# The dialogue's own crisis intent is the third crisis layer: it must keep catching crisis talk the
# other layers might miss, without calling ordinary reflections a crisis (that throws a person out of
# a check-in or a group reflection into the crisis flow). Floors, not targets: the numbers of the
# current model are in the issue notes and printed by scripts/dialogue_crisis_audit.py.
DIALOGUE_CRISIS_FLOORS = {"en": 0.85, "nl": 0.85, "seen_holdout_en": 0.85, "seen_holdout_nl": 0.85}
MAX_REFLECTION_FALSE_ALARMS = 2


def test_dialogue_crisis_intent_catches_crisis_and_leaves_reflections_alone():
    import json

    import stack

    model = stack.ensure_model(quiet=True)
    result = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "scripts/dialogue_crisis_audit.py",
                             str(model), "--json"], cwd=ROOT, capture_output=True, text=True, timeout=900,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", RASA_TELEMETRY_ENABLED="false"))
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    for corpus, floor in DIALOGUE_CRISIS_FLOORS.items():
        r = report[corpus]
        assert r["caught"] / r["crisis"] >= floor, (corpus, r["caught"], r["crisis"], r["missed_texts"])
    reflections = report["reflections"]
    assert reflections["false_alarms"] <= MAX_REFLECTION_FALSE_ALARMS, reflections["false_alarm_texts"]


# The dialogue's intent on blind NLU sets (tests/nlu_heldout/, writers who never saw data/). Floors
# about .02 under session 30's measure (macro F1 v4 EN .973 / NL .943, v5 .944 / .938, v6 .954 / .922,
# v7 .940 / .909, v8 .944 / .918; v9 .960 / .917 in session 31; v10 .940 / .852 and v11 .914 / .913 in
# session 32, v10's NL crisis intent on ordinary lines 2.5 -> 1.6 % with that session's first lines; v12
# .957 / .936 in session 34 (.969 / .942 with a thirteenth writer's lines, which wait); the intent is a
# logistic regression, so the same data gives the same model): a change that unsettles it fails here.
# The ceiling for the crisis intent on ordinary lines is 2 %.
NLU_FLOORS = {("v4", "en"): 0.95, ("v4", "nl"): 0.92, ("v5", "en"): 0.92, ("v5", "nl"): 0.91,
              ("v6", "en"): 0.93, ("v6", "nl"): 0.90, ("v7", "en"): 0.92, ("v7", "nl"): 0.89,
              ("v8", "en"): 0.92, ("v8", "nl"): 0.89, ("v9", "en"): 0.93, ("v9", "nl"): 0.89,
              ("v10", "en"): 0.92, ("v10", "nl"): 0.83, ("v11", "en"): 0.89, ("v11", "nl"): 0.89,
              ("v12", "en"): 0.94, ("v12", "nl"): 0.92, ("v13", "en"): 0.91, ("v13", "nl"): 0.93,
              ("v14", "en"): 0.91, ("v14", "nl"): 0.90}
MAX_CRISIS_ON_ORDINARY = 0.02


@pytest.fixture(scope="module")
def blind_nlu_results() -> dict:
    """Every floored set read by one loaded model (loading it is most of an evaluation's time)."""
    import nlu_report
    import stack

    keys = sorted(NLU_FLOORS)
    files = [ROOT / "tests" / "nlu_heldout" / which / f"{lang}.yml" for which, lang in keys]
    return dict(zip(keys, nlu_report.evaluate_files(stack.ensure_model(quiet=True), files), strict=True))


@pytest.mark.parametrize(("which", "lang"), sorted(NLU_FLOORS))
def test_the_dialogue_reads_blind_nlu_sets_at_their_floor(blind_nlu_results, which, lang):
    result = blind_nlu_results[(which, lang)]
    weak = {intent: v["f1-score"] for intent, v in result["intents"].items() if v["f1-score"] < 0.9}
    assert result["macro_f1"] >= NLU_FLOORS[(which, lang)], (result["macro_f1"], weak)
    assert result["crisis_on_ordinary"] <= MAX_CRISIS_ON_ORDINARY, result["crisis_on_ordinary"]
