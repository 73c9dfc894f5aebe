"""The semantic layer: a trained classifier over multilingual sentence vectors (English and Dutch).

The message (normalised, so "kms" reads "kill myself") and each of its sentences are scored. The
whole message decides, and a sentence that scores higher pulls it half way up (a worrying
sentence inside a long message counts, without every long message looking like its worst line).
A piece's crisis probability is a weighted mean of three views trained on the same data:

* **meaning** (half): a support-vector machine (RBF kernel) over the 512-d multilingual Universal
  Sentence Encoder vector (:func:`bot.embeddings.multilingual_encode`), so "everyone would be
  better off without me" and "iedereen is beter af zonder mij" land together; its decision value
  is calibrated to a probability (Platt) on out-of-fold predictions;
* **spelling** (a quarter): a logistic regression over hashed character n-grams (2-5), which holds
  on typos, chat spelling and Flemish forms the sentence encoder has rarely seen;
* **words** (a quarter): a logistic regression over hashed words and word pairs ("stop smoking",
  "niet meer").

These weights and every other setting are in ``training/labels.yml``; they were chosen by
cross-validation on the training data (issue 11's note has the comparison).

A multinomial logistic regression over the sentence vector names the most likely crisis signal
(a signal of :data:`bot.crisis.rules.SIGNAL_SEVERITY`, hence a severity).

``scripts/train_crisis_classifier.py`` trains all three on ``bot/crisis/training/`` and the lexicon
corpora and writes ``model/classifier.npz`` and ``model/classifier.json``. Two thresholds per language
cut the probability into the three bands of DESIGN.md section 3. They, and how low a probability must be
to doubt a lexicon match (per severity) or to dismiss one, are calibrated per language on the
calibration sets in ``tests/crisis_corpus/calibration/``: messages by other writers than the training
lines. The model learns from them too, but the bands are set on each set's probabilities from a model
trained without its writer (cross-fitted), so on the kind of text the model has not learned from (never on
the blind sets):

* ``crisis``  (p >= ``crisis_threshold``): the full crisis response;
* ``ask``     (``ask_threshold`` <= p < ``crisis_threshold``): the direct safety question;
* ``none``.

Runtime needs numpy and scikit-learn's stateless HashingVectorizer. The model is loaded lazily
once; if it or the encoder cannot be loaded, a warning is logged once and :func:`check` returns
None, so the rules keep working on their own.
"""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot import embeddings
from bot.lazy import LazyModel
from bot.text_features import char_features, word_features

from .normalise import normalise
from .rules import SIGNAL_SEVERITY

MODEL_DIR = Path(__file__).resolve().parent / "model"
WEIGHTS_PATH = MODEL_DIR / "classifier.npz"
META_PATH = MODEL_DIR / "classifier.json"
MAX_CHARS = 2000
MAX_SENTENCES = 12

BANDS = ("none", "ask", "crisis")


@dataclass(frozen=True)
class ClassifierVerdict:
    band: str                 # "none" | "ask" | "crisis"
    probability: float        # the message's crisis probability
    signal: str               # the most likely crisis signal of that piece
    severity: str             # that signal's severity
    piece: str                # the piece of text that scored highest
    doubt_below: tuple[tuple[str, float], ...] = ()   # per lexicon severity, see Cut.doubt
    dismiss_below: float = 0.0                       # see Cut.dismiss

    def doubts(self, lexicon_severity: str | None) -> bool:
        """So low that a lexicon match of this severity alone only earns the question."""
        return self.probability < dict(self.doubt_below).get(lexicon_severity or "", 0.0)

    def dismisses(self, lexicon_severity: str | None) -> bool:
        """So low, and doubted, that a lexicon match of this severity alone earns nothing."""
        return self.doubts(lexicon_severity) and self.probability < self.dismiss_below


@dataclass(frozen=True)
class Model:
    support: np.ndarray          # (n, dim) support vectors of the meaning view
    dual: np.ndarray             # (n,)
    svm_bias: float
    gamma: float
    platt: tuple[float, float]   # p = sigmoid(a * decision + b)
    char_weights: np.ndarray     # (n_features,)
    char_bias: float
    word_weights: np.ndarray     # (n_features,)
    word_bias: float
    n_features: int
    view_weights: tuple[float, float, float]   # meaning, spelling, words
    signal_weights: np.ndarray   # (dim, signals)
    signal_bias: np.ndarray      # (signals,)
    signals: tuple[str, ...]
    cuts: dict[str, Cut]         # per language: where the bands begin (calibrated per language)
    meta: dict

    def cut(self, lang: str) -> Cut:
        return self.cuts.get(lang) or self.cuts["en"]


@dataclass(frozen=True)
class Cut:
    """Where one language's bands begin. The two languages are calibrated apart: the sentence
    encoder and the training data do not put both on the same probability scale, and one
    language's most alarming plain reflection should not set the other's threshold."""
    ask_threshold: float
    crisis_threshold: float
    # Per lexicon severity, the probability below which the classifier doubts a lexicon match of
    # that severity alone (see bot.crisis.detect); imminent signals are never doubted.
    doubt: tuple[tuple[str, float], ...] = ()
    # Below this probability a doubted lexicon match alone gets no question either: the classifier
    # is sure the words were used in an ordinary sense (a nurse preparing a lesson on suicide risk, a
    # song about dark thoughts, "365 days clean from cutting"). On the calibration sets in session
    # 22, 74 of the 158 questions on 738 ordinary messages came from lexicon matches the classifier
    # put in no band at all, mostly below .10; of 739 crisis messages two were caught that way, at
    # .17 and .22. Which matches are never dismissed: bot.crisis._dismissible.
    dismiss: float = 0.0

    @classmethod
    def from_meta(cls, spec: dict) -> Cut:
        ask, crisis = float(spec["ask_threshold"]), float(spec["crisis_threshold"])
        if not 0.0 < ask <= crisis < 1.0:
            raise ValueError(f"thresholds out of order: ask {ask}, crisis {crisis}")
        levels = spec.get("doubt_below", {})   # a model fitted but not yet calibrated doubts nothing
        if any(not 0.0 <= float(p) < crisis for p in levels.values()):
            raise ValueError(f"doubt levels must lie below the crisis threshold {crisis}: {levels}")
        dismiss = float(spec.get("dismiss_below", 0.0))
        if not 0.0 <= dismiss < ask:
            raise ValueError(f"the dismiss level must lie below the question threshold {ask}: {dismiss}")
        return cls(ask, crisis, tuple((sev, float(p)) for sev, p in sorted(levels.items()) if sev != "imminent"),
                   dismiss)


def read_model(weights_path: Path | None = None, meta_path: Path | None = None) -> Model:
    meta = json.loads((meta_path or META_PATH).read_text(encoding="utf-8"))
    with np.load(weights_path or WEIGHTS_PATH) as data:
        a = {name: data[name].astype(np.float32) for name in data.files}
    signals = tuple(meta["signals"])
    unknown = [s for s in signals if s not in SIGNAL_SEVERITY]
    if unknown:
        raise ValueError(f"classifier signals that are no crisis signal: {unknown}")
    if a["signal_weights"].shape[1] != len(signals):
        raise ValueError("signal weights do not match the signal names")
    cuts = {lang: Cut.from_meta(spec) for lang, spec in meta["bands"].items()}
    if "en" not in cuts:
        raise ValueError("the classifier's bands have no English cut")
    return Model(
        a["support"], a["dual"], float(meta["svm_bias"]), float(meta["gamma"]), tuple(meta["platt"]),
        a["char_weights"], float(meta["char_bias"]), a["word_weights"], float(meta["word_bias"]),
        int(meta["n_features"]), tuple(meta["view_weights"]), a["signal_weights"], a["signal_bias"], signals,
        cuts, meta,
    )


def _build() -> Model:
    model = read_model()
    if embeddings.multilingual() is None:
        raise RuntimeError("no multilingual sentence encoder")
    score(model, ["warm up"], embeddings.multilingual_encode(["warm up"]), "en")  # imports and caches now
    return model


class _State:
    def __init__(self) -> None:
        # If it cannot load, the lexicon layer still runs on its own (bot.crisis.detect).
        self.lazy = LazyModel("crisis classifier", _build)
        self.thread_lock = threading.Lock()
        self.thread: threading.Thread | None = None


_state = _State()


def _load(wait: bool = True) -> Model | None:
    return _state.lazy.get(wait)


def warm_up(background: bool = True) -> None:
    if _state.lazy.model is not None or _state.lazy.failed:
        return
    if not background:
        _load()
        return
    with _state.thread_lock:
        if _state.thread is None or not _state.thread.is_alive():
            _state.thread = threading.Thread(target=_load, name="crisis-classifier-warm-up", daemon=True)
            _state.thread.start()


def ready() -> bool:
    return _state.lazy.model is not None


def pieces(text: str, lang: str) -> list[str]:
    """What gets scored: the whole normalised message and each of its sentences."""
    return embeddings.pieces(normalise(text[:MAX_CHARS], lang), MAX_CHARS, MAX_SENTENCES)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def svm_decision(model: Model, vectors: np.ndarray) -> np.ndarray:
    """The meaning view's decision values (RBF kernel against the support vectors)."""
    vectors = vectors.astype(np.float32)
    sq = (vectors * vectors).sum(1)[:, None] + (model.support * model.support).sum(1)[None, :] \
        - 2.0 * vectors @ model.support.T
    return np.exp(-model.gamma * np.maximum(sq, 0.0)) @ model.dual + model.svm_bias


def view_probabilities(model: Model, texts: list[str], vectors: np.ndarray) -> np.ndarray:
    """(pieces, 3): the calibrated probability of each view."""
    a, b = model.platt
    meaning = _sigmoid(a * svm_decision(model, vectors) + b)
    spelling = _sigmoid(np.asarray(char_features(texts, model.n_features) @ model.char_weights).ravel()
                        + model.char_bias)
    words = _sigmoid(np.asarray(word_features(texts, model.n_features) @ model.word_weights).ravel()
                     + model.word_bias)
    return np.stack([meaning, spelling, words], axis=1)


def crisis_probabilities(model: Model, texts: list[str], vectors: np.ndarray) -> np.ndarray:
    """Crisis probability of each piece (rows follow *texts* / *vectors*)."""
    return view_probabilities(model, texts, vectors) @ np.asarray(model.view_weights, dtype=np.float64)


def message_probability(piece_probabilities: np.ndarray) -> tuple[float, int]:
    """The message's probability from its pieces' (the first is the whole message), and which
    piece decided: the whole, pulled half way up by a sentence that scores higher."""
    whole = float(piece_probabilities[0])
    best = int(piece_probabilities.argmax())
    return max(whole, (whole + float(piece_probabilities[best])) / 2.0), best


def signal_of(model: Model, vector: np.ndarray) -> str:
    return model.signals[int(np.argmax(vector.astype(np.float32) @ model.signal_weights + model.signal_bias))]


def ask_band_position(probability: float, lang: str) -> float | None:
    """Where *probability* lies in *lang*'s question band: 0 at the question threshold, 1 at the
    crisis threshold; None outside the band or while the model is not loaded."""
    model = _state.lazy.model
    if model is None:
        return None
    cut = model.cut(lang)
    if not cut.ask_threshold <= probability < cut.crisis_threshold:
        return None
    return (probability - cut.ask_threshold) / (cut.crisis_threshold - cut.ask_threshold)


def dismiss_level(lang: str) -> float | None:
    """*lang*'s dismiss level (see :class:`Cut`); None while the model is not loaded."""
    model = _state.lazy.model
    return None if model is None else model.cut(lang).dismiss


def band_of(cut: Cut, probability: float) -> str:
    if probability >= cut.crisis_threshold:
        return "crisis"
    if probability >= cut.ask_threshold:
        return "ask"
    return "none"


def score(model: Model, texts: list[str], vectors: np.ndarray, lang: str) -> ClassifierVerdict:
    """The verdict for one message in *lang* from its pieces (*texts*) and their vectors (same order)."""
    p, best = message_probability(crisis_probabilities(model, texts, vectors))
    signal = signal_of(model, vectors[best])
    cut = model.cut(lang)
    return ClassifierVerdict(band_of(cut, p), p, signal, SIGNAL_SEVERITY[signal] or "elevated", texts[best],
                             cut.doubt, cut.dismiss)


@lru_cache(maxsize=4096)
def _check_cached(text: str, lang: str) -> ClassifierVerdict | None:
    model = _state.lazy.model
    ps = pieces(text, lang)
    if model is None or not ps:
        return None
    return score(model, ps, embeddings.multilingual_encode(ps), lang)


def check(text: str, lang: str) -> ClassifierVerdict | None:
    """The classifier's verdict on *text*, or None (empty text, or model/encoder unavailable).

    The first call loads the model (~1 s); while :func:`warm_up`'s thread is loading it, this does
    not wait: the lexicon layer has already answered.
    """
    if _load(wait=_state.thread is None) is None:
        return None
    return _check_cached(text, lang)


def data_hash(paths: list[Path]) -> str:
    """Hash of the training files' contents (sorted by name): the model is stale when it changes."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
