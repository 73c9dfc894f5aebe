"""`rasa test nlu` on several held-out NLU files with the model loaded once (Rasa environment, 3.10):

    .venv-rasa/bin/python scripts/nlu_sets.py MODEL OUT_DIR FILE...

For the n-th FILE it writes OUT_DIR/<n>/intent_report.json and intent_errors.json, exactly as
`rasa test nlu --nlu FILE --out OUT_DIR/<n> --no-plot` does: the same function of Rasa's runs
(rasa.nlu.test.run_evaluation), only the model is not loaded again for every file. Loading it takes
most of an evaluation's time, and the floors of tests/test_rasa_project.py read eight files.
scripts/nlu_report.py calls this; it is not meant to be run by hand.
"""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))   # the model's pipeline holds our own components (components/)


async def evaluate(model: str, out: Path, files: list[str]) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from rasa.core.agent import Agent
    from rasa.nlu.test import run_evaluation

    agent = Agent.load(model_path=model)
    for n, path in enumerate(files):
        target = out / str(n)
        target.mkdir(parents=True, exist_ok=True)
        await run_evaluation(path, agent.processor, output_directory=str(target), errors=True,
                             disable_plotting=True, domain_path=str(ROOT / "domain"))


if __name__ == "__main__":
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    asyncio.run(evaluate(sys.argv[1], Path(sys.argv[2]), sys.argv[3:]))
