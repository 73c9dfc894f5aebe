"""Give the dialogue the examples our other learners already have (issue 12): the listening mapping's
reflections as `share_feeling`, the crisis classifier's crisis lines as `crisis`, its hard negatives
about quitting something ordinary as `ordinary_goal`.

    .venv/bin/python scripts/nlu_from_training.py [--reflections 320] [--crisis 140] [--goals 100]

A kind asked for 0 lines keeps its file as it is (session 30 wrote the goals alone, so the other files,
whose samples shift when the dialogue's data changes, stayed what had been measured).

The dialogue's intent decides whether a plain reflection reaches the reflective thread; with few
`share_feeling` examples, other intents' examples pulled reflections away (issue 12's notes, session
25). The mapping's reflections (`bot/reflection/training/`, helpers who saw no test set) are the truest
source of such lines; crisis lines from `bot/crisis/training/` keep the dialogue's own crisis intent (the
third crisis layer) from losing crisis talk to them. Writes
`data/<feature>/nlu_dialogue_only_<kind>_<lang>.yml`, files the crisis classifier does not read (it learns
from both sources already). Left out: reflections about quitting or ending something (the
`ordinary_goal` intent's ground), lines under four (crisis: three) words or over 300 characters, lines
the dialogue's data already has, and every line within cosine .85 of a held-out NLU line, a listening
probe line or any crisis corpus line (the judges and the dialogue crisis audit), so no measure sees its
own text. Sampled evenly per side of life or crisis category, with a fixed seed.

Its files are part of the dialogue's training data since session 28, when the intent came to be read
by a logistic regression (components/sentence_intent_classifier.py) instead of DIET, which had lost
plain crisis talk with these lines (session 27; `bot/crisis/training/next/README.md` has both
sessions' numbers). Run it again and retrain when a new judge joins tests/: it leaves out what lies
near every measure.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bot.embeddings import multilingual_encode  # noqa: E402

# kind: (intent, feature folder, sources per language, minimum words)
KINDS = {
    "reflections": ("share_feeling", "listening", {"en": ["bot/reflection/training/en*.jsonl"],
                                                  "nl": ["bot/reflection/training/nl*.jsonl",
                                                         "bot/reflection/training/next/nl_*.jsonl"]}, 4),
    "crisis": ("crisis", "crisis", {lang: [f"bot/crisis/training/{lang}_*.jsonl"] for lang in ("en", "nl")}, 3),
    # The crisis classifier's hard negatives about quitting or ending something ordinary (smoking, a
    # job, an app): the ground the dialogue's crisis intent must leave alone.
    "goals": ("ordinary_goal", "listening", {lang: [f"bot/crisis/training/{lang}_*.jsonl"] for lang in ("en", "nl")}, 3),
}
MEASURES = ["tests/nlu_heldout/**/*.yml", "tests/listening_probe/**/*.jsonl", "tests/crisis_corpus/**/*.jsonl"]
GOAL_WORDS = re.compile(r"\b(stop|stopp|quit|cancel|give up|end(ing)? (it|my)|stoppen|gestopt|kappen|opzeggen|"
                        r"ophouden|opgeven|ermee)\w*", re.I)
NEAR_COPY = 0.85
MAX_CHARS = 300


def _examples(path: Path) -> list[str]:
    """Every example line of a Rasa NLU file."""
    return [x.strip()[2:] for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []
            for x in (item.get("examples") or "").splitlines() if x.strip()]


def _measure_lines() -> list[str]:
    lines: list[str] = []
    for pattern in MEASURES:
        for path in ROOT.glob(pattern):
            if path.suffix == ".yml":
                lines += _examples(path)
            else:
                lines += [json.loads(x)["text"] for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return lines


def _dialogue_lines() -> set[str]:
    lines: set[str] = set()
    for path in ROOT.glob("data/*/nlu_*.yml"):
        if any(f"_dialogue_only_{kind}_" in path.name for kind in KINDS):
            continue   # this script's own output
        lines |= {line.lower() for line in _examples(path)}
    return lines


def _wanted(kind: str, row: dict) -> bool:
    if kind == "crisis":
        return bool(row.get("crisis"))
    if kind == "goals":
        return not row.get("crisis") and row.get("category") == "goal_stop"
    # lines with no side of life are the mapping's non-reflections ("are you a bot?")
    return bool(row.get("dimensions")) and not GOAL_WORDS.search(row["text"])


def _candidates(kind: str, lang: str, taken: set[str]) -> list[dict]:
    _, _, sources, min_words = KINDS[kind]
    seen = set(taken)
    out = []
    for pattern in sources[lang]:
        for path in sorted(ROOT.glob(pattern)):
            for raw in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(raw) if raw.strip() else None
                if not row or row.get("lang", lang) != lang or not _wanted(kind, row):
                    continue
                text = " ".join(row["text"].split())
                if "[" in text or "]" in text:   # would read as entity annotations
                    continue
                key = text.lower()
                if key in seen or len(text) > MAX_CHARS or len(text.split()) < min_words:
                    continue
                seen.add(key)
                out.append({"text": text, "group": row["category"] if kind in ("crisis", "goals") else row["dimensions"][0]})
    return out


def _far_from(candidates: list[dict], measures: np.ndarray) -> list[dict]:
    vectors = multilingual_encode([c["text"] for c in candidates])
    closest = np.max(vectors @ measures.T, axis=1)
    return [c for c, sim in zip(candidates, closest, strict=True) if sim < NEAR_COPY]


def _sample(candidates: list[dict], n: int, seed: int) -> list[str]:
    by_side: dict[str, list[str]] = {}
    for c in candidates:
        by_side.setdefault(c["group"], []).append(c["text"])
    rng = random.Random(seed)
    for texts in by_side.values():
        rng.shuffle(texts)
    picked: list[str] = []
    while len(picked) < n and any(by_side.values()):
        for side in sorted(by_side):
            if by_side[side] and len(picked) < n:
                picked.append(by_side[side].pop())
    return picked


def _yaml(kind: str, lang: str, lines: list[str]) -> str:
    intent, _, sources, _ = KINDS[kind]
    head = (f"# Generated by scripts/nlu_from_training.py from {', '.join(sources[lang])}\n"
            f"# as {intent}. Dialogue only (the crisis classifier reads nlu_{lang}.yml, not this file).\n"
            f"# Do not edit by hand; rerun the script.\n")
    body = "\n".join(f"    - {t}" for t in lines)   # a block scalar: no quoting needed
    return head + f'version: "3.1"\nnlu:\n- intent: {intent}\n  examples: |\n' + body + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reflections", type=int, default=320, help="share_feeling lines per language")
    parser.add_argument("--crisis", type=int, default=140, help="crisis lines per language")
    parser.add_argument("--goals", type=int, default=100, help="ordinary_goal lines per language")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    measures = multilingual_encode(_measure_lines())
    taken = _dialogue_lines()
    for kind, per_language in (("reflections", args.reflections), ("crisis", args.crisis), ("goals", args.goals)):
        if not per_language:
            continue
        for lang in ("en", "nl"):
            kept = _far_from(_candidates(kind, lang, taken), measures)
            lines = _sample(kept, per_language, args.seed)
            out = ROOT / "data" / KINDS[kind][1] / f"nlu_dialogue_only_{kind}_{lang}.yml"
            out.write_text(_yaml(kind, lang, lines), encoding="utf-8")
            print(f"{kind} {lang}: {len(kept)} candidates far from every measure, {len(lines)} written to "
                  f"{out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
