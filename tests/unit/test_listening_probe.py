"""The listening probes (tests/listening_probe/, see its README; v2 is the blind one) as floors: the
detector must not take over on these ordinary reflections, and the first reply must name a side of
life the writer labelled. The numbers through the running gateway are printed by
scripts/listening_probe.py."""
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
# First reply names a right side, one message below what was measured at bot level after session 14
# (word features in the mapping, 500 more reflections, crisis batches 4 and NL 5): v1 EN 67/70 (69
# before; v1 is tuned against), NL 66/70 (64); v2 EN 67/70 (64), NL 63/70 (60); v3 (session 13's judge,
# measured once before and once after) EN 67 -> 68/70, NL 49 -> 59/70; v4 (blind, committed unread at
# session 14's start, measured once before and once after) EN 60 -> 64/70, NL 56 -> 59/70. Detector
# takeovers on v4 stayed at EN 2, NL 5 (the classifier alone, reading heavy reflections as a crisis):
# pinned as they are, not hidden; the target is 1.
NAMED_FLOOR = {("v1", "en"): 0.94, ("v1", "nl"): 0.92, ("v2", "en"): 0.94, ("v2", "nl"): 0.88,
               ("v3", "en"): 0.95, ("v3", "nl"): 0.82, ("v4", "en"): 0.90, ("v4", "nl"): 0.82}
MAX_TAKEOVERS = {("v4", "en"): 2, ("v4", "nl"): 5}   # the target, 1, for every other set
SETS = sorted(NAMED_FLOOR)


def _probe(lang: str, which: str = "v1") -> list[dict]:
    name = f"{lang}.jsonl" if which == "v1" else f"{which}_{lang}.jsonl"
    path = ROOT / "tests" / "listening_probe" / name
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
    for which, lang in SETS:
        assert not {_norm(r["text"]) for r in _probe(lang, which)} & training
    # The next change's judge (unread/, never measured) is kept out too; only the overlap is asserted.
    for path in (ROOT / "tests" / "listening_probe" / "unread").glob("*.jsonl"):
        unread = {_norm(json.loads(l)["text"]) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()}
        assert len(unread) >= 60 and not unread & training, path.name


@pytest.mark.parametrize(("which", "lang"), SETS)
def test_ordinary_reflections_are_not_taken_over_by_the_crisis_flow(which, lang):
    full = [r["text"] for r in _probe(lang, which) if detect(r["text"], lang).band == "crisis"]
    assert len(full) <= MAX_TAKEOVERS.get((which, lang), 1), full


@pytest.mark.parametrize(("which", "lang"), SETS)
def test_the_first_reply_names_a_side_of_life_the_person_spoke_about(which, lang):
    rows = _probe(lang, which)
    named = 0
    for row in rows:
        text = " ".join(m.get("text") or "" for m in begin(row["text"], lang).messages).lower()
        named += any(dimension(d, lang).area.lower() in text for d in row["dimensions"])
    assert named / len(rows) >= NAMED_FLOOR[(which, lang)], f"{named}/{len(rows)}"
