"""The blind listening probe (tests/listening_probe/, written before the listening was built, by a
helper who saw neither the training data nor the code) as a floor: the detector must not take over
on these ordinary reflections, and the first reply must name a side of life the writer labelled.
The numbers through the running gateway are printed by scripts/listening_probe.py."""
from __future__ import annotations

import glob
import json
import re
from pathlib import Path

import pytest
import yaml

from bot.crisis import detect
from bot.reflection import begin
from bot.wellbeing.model import dimension

ROOT = Path(__file__).resolve().parents[2]
# Measured on 2026-12-03 (issue 12 note): EN 69/70, NL 63/70 name a right side; floors are one
# message below that.
NAMED_FLOOR = {"en": 0.97, "nl": 0.88}
MAX_TAKEOVERS = 1


def _probe(lang: str) -> list[dict]:
    path = ROOT / "tests" / "listening_probe" / f"{lang}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", text).lower().split())


def test_the_probe_is_not_training_data():
    training = set()
    for path in (ROOT / "bot" / "reflection" / "training").glob("*.jsonl"):
        training |= {_norm(json.loads(l)["text"]) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()}
    for path in glob.glob(str(ROOT / "data" / "*" / "nlu_*.yml")):
        for item in yaml.safe_load(Path(path).read_text(encoding="utf-8"))["nlu"]:
            training |= {_norm(l.strip()[2:]) for l in (item.get("examples") or "").splitlines()
                         if l.strip().startswith("- ")}
    for lang in ("en", "nl"):
        assert not {_norm(r["text"]) for r in _probe(lang)} & training


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_ordinary_reflections_are_not_taken_over_by_the_crisis_flow(lang):
    full = [r["text"] for r in _probe(lang) if detect(r["text"], lang).band == "crisis"]
    assert len(full) <= MAX_TAKEOVERS, full


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_first_reply_names_a_side_of_life_the_person_spoke_about(lang):
    rows = _probe(lang)
    named = 0
    for row in rows:
        text = " ".join(m.get("text") or "" for m in begin(row["text"], lang).messages).lower()
        named += any(dimension(d, lang).area.lower() in text for d in row["dimensions"])
    assert named / len(rows) >= NAMED_FLOOR[lang], f"{named}/{len(rows)}"
