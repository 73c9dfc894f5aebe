"""Read lines with a trained Rasa model and write each one's intent and confidence (Rasa environment).

    .venv-rasa/bin/python scripts/nlu_parse.py MODEL IN.json OUT.json

IN.json is a list of texts; OUT.json maps each text to [intent, confidence]. The model is loaded once.
Used by scripts/dialogue_question_sim.py, which runs in the other environment.
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The model's pipeline holds our own featurizer (components/), which imports bot.embeddings.
sys.path.insert(0, str(ROOT))


async def parse(model: str, texts: list[str]) -> dict[str, list]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    out: dict[str, list] = {}
    for text in texts:
        if text not in out:
            intent = (await agent.parse_message(text))["intent"]
            out[text] = [intent["name"], float(intent["confidence"])]
    return out


if __name__ == "__main__":
    model, source, target = sys.argv[1:4]
    texts = json.loads(Path(source).read_text(encoding="utf-8"))
    Path(target).write_text(json.dumps(asyncio.run(parse(model, texts))), encoding="utf-8")
