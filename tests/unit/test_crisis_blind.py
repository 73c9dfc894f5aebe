"""The blind sets (tests/crisis_corpus/blind/): written before the classifier by someone who had seen
neither the corpora, the lexicon nor the tests; never tuned on (see the README there).

They guard against a drop: the floors below are the measured result of the detector as it landed
(issue 11's note has the numbers before and after), rounded down. Raising a floor is fine after a
general improvement; lowering one needs a reason in the commit message. Misses are not to be fixed
one by one with patterns or training lines: that would turn a blind set into a tuning set.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.crisis import detect

ROOT = Path(__file__).resolve().parents[2]
BLIND = ROOT / "tests" / "crisis_corpus" / "blind"
TUNING = [ROOT / "tests" / "crisis_corpus" / name for name in
          ("en.jsonl", "nl.jsonl", "seen_holdout_en.jsonl", "seen_holdout_nl.jsonl", "context.jsonl",
           "reflections.jsonl")] + sorted((ROOT / "bot" / "crisis" / "training").glob("*.jsonl"))

# Per set and language, with every layer of the detector (what answers when the dialogue engine is down),
# the measured result rounded down by one message of slack for floating-point differences between
# machines. Set 1 (en/nl.jsonl, 66 crisis + 64 hard negatives per language) has been looked at across
# several sessions; set 3 (v3_*.jsonl, 55 + 55, written 2026-12-03 by helpers who saw nothing here) was
# measured once after the third training batch and never tuned on. Measured 2026-12-03:
#   set 1  EN full 98.5 %, full-or-ask 100 %, ordinary full 3.1 %, asked 7.8 %
#          NL full 86.4 %, full-or-ask 98.5 %, ordinary full 0 %,   asked 7.8 %
#   set 3  EN full 90.9 %, full-or-ask 98.2 %, ordinary full 3.6 %, asked 12.7 %
#          NL full 80.0 %, full-or-ask 98.2 %, ordinary full 1.8 %, asked 25.5 %
# Set 4 (v4_*.jsonl, 50 + 50, written later the same day by other blind helpers) judged a fourth training
# batch, which did not help and was dropped; these floors are the landed model's first and only result:
#   set 4  EN full 82.0 %, full-or-ask 100 %,  ordinary full 6.0 %, asked 24.0 %
#          NL full 80.0 %, full-or-ask 96.0 %, ordinary full 6.0 %, asked 18.0 %
FLOORS = {
    "en.jsonl": {"crisis_full_or_ask": 0.98, "crisis_full": 0.96, "ordinary_full_max": 0.047, "ordinary_ask_max": 0.094},
    "nl.jsonl": {"crisis_full_or_ask": 0.96, "crisis_full": 0.84, "ordinary_full_max": 0.016, "ordinary_ask_max": 0.094},
    "v3_en.jsonl": {"crisis_full_or_ask": 0.96, "crisis_full": 0.89, "ordinary_full_max": 0.055, "ordinary_ask_max": 0.146},
    "v3_nl.jsonl": {"crisis_full_or_ask": 0.96, "crisis_full": 0.78, "ordinary_full_max": 0.037, "ordinary_ask_max": 0.273},
    "v4_en.jsonl": {"crisis_full_or_ask": 0.98, "crisis_full": 0.80, "ordinary_full_max": 0.08, "ordinary_ask_max": 0.26},
    "v4_nl.jsonl": {"crisis_full_or_ask": 0.94, "crisis_full": 0.78, "ordinary_full_max": 0.08, "ordinary_ask_max": 0.20},
}


def plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower().replace("\u2019", "'")).split())


def blind_rows(name: str = "*.jsonl") -> list[dict]:
    rows = []
    for path in sorted(BLIND.glob(name)):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def test_blind_sets_are_there_and_half_hard_negatives():
    rows = blind_rows()
    for lang in ("en", "nl"):
        mine = [r for r in rows if r["lang"] == lang]
        assert len(mine) >= 100
        assert 0.4 <= sum(not r["crisis"] for r in mine) / len(mine) <= 0.6


def test_no_blind_sentence_is_in_any_tuning_file():
    blind = {plain(r["text"]) for r in blind_rows()}
    for path in TUNING:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            for text in [row.get("text", "")] + list(row.get("context", [])):
                assert plain(text) not in blind, f"{path.name} holds a blind sentence: {text!r}"


def test_no_blind_sentence_is_in_the_lexicon():
    # Short common phrases ("ik wil dood") are naturally in both; a sentence of five words or more
    # in the lexicon's examples would mean someone copied it there.
    lexicon = plain("\n".join(p.read_text(encoding="utf-8")
                               for p in (ROOT / "bot" / "crisis" / "lexicon").glob("*.yml")))
    for row in blind_rows():
        text = plain(row["text"])
        if len(text.split()) >= 5:
            assert text not in lexicon, row["text"]


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_blind_floors(name):
    rows = blind_rows(name)
    crisis = [r for r in rows if r["crisis"]]
    ordinary = [r for r in rows if not r["crisis"]]
    bands = {id(r): detect(r["text"], r["lang"]).band for r in rows}

    def share(group, wanted):
        return sum(bands[id(r)] in wanted for r in group) / len(group)

    floor = FLOORS[name]
    measured = {
        "crisis_full_or_ask": share(crisis, {"crisis", "ask"}),
        "crisis_full": share(crisis, {"crisis"}),
        "ordinary_full": share(ordinary, {"crisis"}),
        "ordinary_ask": share(ordinary, {"ask"}),
    }
    assert measured["crisis_full_or_ask"] >= floor["crisis_full_or_ask"], measured
    assert measured["crisis_full"] >= floor["crisis_full"], measured
    assert measured["ordinary_full"] <= floor["ordinary_full_max"], measured
    assert measured["ordinary_ask"] <= floor["ordinary_ask_max"], measured
