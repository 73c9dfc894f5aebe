"""How the dialogue engine's own crisis intent (the third crisis layer) does on the labelled corpora.

Runs in the Rasa environment (Python 3.10):

    .venv-rasa/bin/python scripts/dialogue_crisis_audit.py [MODEL] [--json]

For each corpus in tests/crisis_corpus/ it prints how many crisis messages the intent catches and how
many others it flags, counted the way the actions act on it: intent `crisis` on a message of at
least three words with a confidence of at least 0.7 (bot.safety.dialogue.dialogue_intent_counts).
`reflections.jsonl` holds ordinary reflections of the kind the check-in and the group theme invite;
a false alarm there throws a person out of their reflection into the crisis flow.
"""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from nlu_parse import parse  # the model loaded once; puts the repository on the path for components/

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ("en", "nl", "seen_holdout_en", "seen_holdout_nl", "reflections")
# As bot.safety.dialogue (which this environment cannot import): DIALOGUE_MIN_WORDS, DIALOGUE_MIN_CONFIDENCE.
MIN_WORDS, MIN_CONFIDENCE = 3, 0.7


def audit(model: Path) -> dict[str, dict[str, object]]:
    corpora = {name: [json.loads(line) for line in (ROOT / "tests" / "crisis_corpus" / f"{name}.jsonl").open(
        encoding="utf-8") if line.strip()] for name in CORPORA}
    read = asyncio.run(parse(str(model), [row["text"] for rows in corpora.values() for row in rows]))
    report: dict[str, dict[str, object]] = {}
    for name, rows in corpora.items():
        caught, missed, false_alarms, negatives = 0, [], [], 0
        for row in rows:
            intent, confidence = read[row["text"]]
            flagged = (intent == "crisis" and confidence >= MIN_CONFIDENCE and len(row["text"].split()) >= MIN_WORDS)
            if row["crisis"]:
                caught += flagged
                if not flagged:
                    missed.append(row["text"])
            else:
                negatives += 1
                if flagged:
                    false_alarms.append(row["text"])
        report[name] = {"crisis": len(rows) - negatives, "caught": caught, "others": negatives,
                        "false_alarms": len(false_alarms), "missed_texts": missed, "false_alarm_texts": false_alarms}
    return report


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    model = Path(args[0]) if args else max((ROOT / "models").glob("model-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    report = audit(model)
    if "--json" in sys.argv:
        print(json.dumps(report, ensure_ascii=False))
        return
    print(f"model: {model.name}")
    for name, r in report.items():
        print(f"{name:12} crisis caught {r['caught']}/{r['crisis']}   false alarms {r['false_alarms']}/{r['others']}")


if __name__ == "__main__":
    main()
