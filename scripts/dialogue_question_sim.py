"""What the dialogue's own crisis intent adds to the detector, per language, at several floors.

    .venv/bin/python scripts/dialogue_question_sim.py [--model M] [--floors 0.10 0.15 0.20] [FILES...]

The gateway asks the detector first. Where it says none, the dialogue engine reads the message, and its
crisis intent (bot.safety.dialogue.dialogue_intent_counts) raises the direct question unless the
detector's classifier is sure the message is ordinary: a probability below the language's dismiss level
or its floor (`dialogue_intent_min_probability` in bot/safety/safety_check.yml), whichever is higher, in
six words or more (bot.crisis.sure_ordinary). This script decides each labelled message that way in
process, without a running stack, and prints per language how many crisis messages, hard negatives
and listening-probe reflections the intent's question reaches at each floor. No message text is
printed, so an unread judge can be measured. Default files: the seen blind crisis sets and probes.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from stack import RASA_BIN, _rasa_env, ensure_model  # noqa: E402

from bot.crisis import classifier as crisis_classifier  # noqa: E402
from bot.crisis import detect, sure_ordinary  # noqa: E402
from bot.safety.dialogue import dialogue_intent_counts  # noqa: E402

SEEN = [*sorted((ROOT / "tests" / "crisis_corpus" / "blind").glob("v*.jsonl")),
        *sorted((ROOT / "tests" / "listening_probe").glob("*.jsonl"))]


def intents(model: Path, texts: list[str]) -> dict[str, list]:
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in.json", Path(tmp) / "out.json"
        source.write_text(json.dumps(texts), encoding="utf-8")
        subprocess.run([str(RASA_BIN.parent / "python"), str(ROOT / "scripts" / "nlu_parse.py"), str(model),
                        str(source), str(target)], cwd=ROOT, check=True, env=_rasa_env(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return json.loads(target.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--floors", type=float, nargs="+", default=[0.10, 0.12, 0.15, 0.18, 0.20, 0.24])
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    rows = []
    for path in args.files or SEEN:
        probe = "listening_probe" in path.parts
        rows += [{**json.loads(line), "probe": probe} for line in path.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    read = intents(args.model or ensure_model(quiet=True), [r["text"] for r in rows])
    crisis_classifier.warm_up(background=False)
    for lang in ("en", "nl"):
        for kind in ("crisis", "ordinary", "probe"):
            picked = [r for r in rows if r["lang"] == lang and (
                r["probe"] if kind == "probe" else not r["probe"] and bool(r.get("crisis")) == (kind == "crisis"))]
            if not picked:
                continue
            answered, raised = 0, {floor: 0 for floor in args.floors}
            for row in picked:
                verdict = detect(row["text"], lang)
                if verdict.band != "none":
                    answered += 1
                    continue
                name, confidence = read[row["text"]]
                if name != "crisis" or not dialogue_intent_counts(row["text"], confidence):
                    continue
                for floor in args.floors:
                    raised[floor] += not sure_ordinary(verdict, row["text"], at_least=floor)
            print(f"{lang} {kind}: n={len(picked)}, detector answered {answered}; the intent's question at floor "
                  + ", ".join(f"{floor:.2f}: {n}" for floor, n in raised.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
