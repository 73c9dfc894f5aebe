"""Measure the dialogue's intent classifier on the held-out NLU set (issue 12), per language.

    .venv/bin/python scripts/nlu_report.py [--model models/model-X.tar.gz] [--json out.json]

Runs Rasa's own `rasa test nlu` evaluation (through scripts/nlu_sets.py, the model loaded once) on
tests/nlu_heldout/{en,nl}.yml (written blind, never trained on) with the newest (or given) model and
prints, per language: accuracy, macro F1, each intent's precision / recall / F1, the intents below 0.90
F1, and how often the `crisis` intent was predicted for a message that is no crisis (the share of
non-crisis lines classified as crisis).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from stack import RASA_BIN, _rasa_env, ensure_model  # noqa: E402

HELDOUT = ROOT / "tests" / "nlu_heldout"


def evaluate_files(model: Path, files: list[Path]) -> list[dict]:
    """`rasa test nlu` on each file, with the model loaded once (scripts/nlu_sets.py)."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([str(RASA_BIN.parent / "python"), str(ROOT / "scripts" / "nlu_sets.py"), str(model), out,
                        *map(str, files)], cwd=ROOT, check=True, env=_rasa_env(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return [_result(Path(out) / str(n)) for n in range(len(files))]


def _result(out: Path) -> dict:
    report = json.loads((out / "intent_report.json").read_text())
    errors_file = out / "intent_errors.json"
    errors = json.loads(errors_file.read_text()) if errors_file.exists() else []
    intents = {k: v for k, v in report.items() if isinstance(v, dict) and "f1-score" in v
               and k not in ("macro avg", "weighted avg", "micro avg")}
    not_crisis = sum(v["support"] for k, v in intents.items() if k != "crisis")
    false_crisis = [e["text"] for e in errors if (e.get("intent_prediction") or {}).get("name") == "crisis"]
    return {
        "accuracy": round(report.get("accuracy", report.get("micro avg", {}).get("f1-score", 0.0)), 4),
        "macro_f1": round(report["macro avg"]["f1-score"], 4),
        "intents": {k: {m: round(v[m], 3) for m in ("precision", "recall", "f1-score")} | {"n": v["support"]}
                    for k, v in sorted(intents.items())},
        "crisis_on_ordinary": round(len(false_crisis) / max(not_crisis, 1), 4),
        "crisis_on_ordinary_texts": false_crisis,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--set", type=Path, default=HELDOUT,
                        help="a folder with en.yml and nl.yml (default: tests/nlu_heldout; the other "
                             "writers' sets are tests/nlu_heldout/v2 and v3)")
    parser.add_argument("--quiet", action="store_true",
                        help="rates only, no message text (for a set that is still unread)")
    args = parser.parse_args(argv)
    model = args.model or ensure_model()
    result = dict(zip(("en", "nl"), evaluate_files(model, [args.set / "en.yml", args.set / "nl.yml"]), strict=True))
    for lang, r in result.items():
        print(f"\n== {lang}: accuracy {r['accuracy']:.3f}, macro F1 {r['macro_f1']:.3f}, "
              f"crisis intent on non-crisis lines {r['crisis_on_ordinary']:.1%}")
        for intent, v in r["intents"].items():
            flag = "  <0.90" if v["f1-score"] < 0.9 else ""
            print(f"  {intent:16} P {v['precision']:.2f}  R {v['recall']:.2f}  F1 {v['f1-score']:.2f}  n={v['n']}{flag}")
        for text in [] if args.quiet else r["crisis_on_ordinary_texts"]:
            print(f"  crisis on: {text}")
    if args.json:
        if args.quiet:
            for r in result.values():
                r.pop("crisis_on_ordinary_texts")
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
