"""The semantic layer: a trained classifier over multilingual sentence vectors (English and Dutch).

The message (normalised, so "kms" reads "kill myself") and each of its sentences are embedded with
the multilingual encoder (:func:`bot.embeddings.multilingual_encode`) and scored by a multinomial
logistic regression trained on ``bot/crisis/training/`` and the lexicon corpora
(``scripts/train_crisis_classifier.py`` writes ``model/classifier.npz`` and ``model/classifier.json``).
Its classes are ``none`` and the crisis signals of :data:`bot.crisis.rules.SIGNAL_SEVERITY`, so a
verdict names a signal and a severity like the lexicon does.

The probability of a crisis is ``1 - p(none)`` of the piece of text that scores highest (a
worrying sentence inside a long message counts on its own). Two thresholds from training, both in
``model/classifier.json`` and chosen on out-of-fold predictions of the training data only, cut it
into the three bands of DESIGN.md section 3:

* ``crisis``  (p >= ``crisis_threshold``): the full crisis response;
* ``ask``     (``ask_threshold`` <= p < ``crisis_threshold``): the direct safety question;
* ``none``.

Runtime needs numpy only. The model is loaded lazily once; if it or the encoder cannot be loaded,
a warning is logged once and :func:`check` returns None, so the rules keep working on their own.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot import embeddings

from .normalise import normalise
from .rules import SIGNAL_SEVERITY

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent / "model"
WEIGHTS_PATH = MODEL_DIR / "classifier.npz"
META_PATH = MODEL_DIR / "classifier.json"
NONE = "none"
MAX_CHARS = 2000
MAX_SENTENCES = 12

BANDS = ("none", "ask", "crisis")


@dataclass(frozen=True)
class ClassifierVerdict:
    band: str                 # "none" | "ask" | "crisis"
    probability: float        # 1 - p(none) of the highest-scoring piece
    signal: str               # the most likely crisis signal of that piece
    severity: str             # that signal's severity
    piece: str                # the piece of text that scored highest


@dataclass(frozen=True)
class Model:
    weights: np.ndarray       # (dim, classes)
    bias: np.ndarray          # (classes,)
    classes: tuple[str, ...]
    ask_threshold: float
    crisis_threshold: float
    meta: dict


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.thread_lock = threading.Lock()
        self.model: Model | None = None
        self.failed = False
        self.thread: threading.Thread | None = None


_state = _State()


def read_model(weights_path: Path = WEIGHTS_PATH, meta_path: Path = META_PATH) -> Model:
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    with np.load(weights_path) as data:
        weights, bias = data["weights"].astype(np.float32), data["bias"].astype(np.float32)
    classes = tuple(meta["classes"])
    if NONE not in classes or weights.shape[1] != len(classes) or bias.shape != (len(classes),):
        raise ValueError("classifier weights do not match its classes")
    unknown = [c for c in classes if c != NONE and c not in SIGNAL_SEVERITY]
    if unknown:
        raise ValueError(f"classifier classes that are no crisis signal: {unknown}")
    ask, crisis = float(meta["ask_threshold"]), float(meta["crisis_threshold"])
    if not 0.0 < ask <= crisis < 1.0:
        raise ValueError(f"thresholds out of order: ask {ask}, crisis {crisis}")
    return Model(weights, bias, classes, ask, crisis, meta)


def _load(wait: bool = True) -> Model | None:
    if _state.model is not None or _state.failed:
        return _state.model
    if not _state.lock.acquire(blocking=wait):
        return None
    try:
        if _state.model is None and not _state.failed:
            try:
                model = read_model()
                if embeddings.multilingual(wait=wait) is None:
                    if not wait:
                        return None
                    raise RuntimeError("no multilingual sentence encoder")
                _state.model = model
            except Exception as exc:  # noqa: BLE001 - any failure must leave the rules running
                _state.failed = True
                log.warning("crisis classifier disabled (%s: %s); the lexicon layer still runs",
                            type(exc).__name__, exc)
    finally:
        _state.lock.release()
    return _state.model


def warm_up(background: bool = True) -> None:
    if _state.model is not None or _state.failed:
        return
    if not background:
        _load()
        return
    with _state.thread_lock:
        if _state.thread is None or not _state.thread.is_alive():
            _state.thread = threading.Thread(target=_load, name="crisis-classifier-warm-up", daemon=True)
            _state.thread.start()


def ready() -> bool:
    return _state.model is not None


def pieces(text: str, lang: str) -> list[str]:
    """What gets scored: the whole normalised message and each of its sentences."""
    return embeddings.pieces(normalise(text[:MAX_CHARS], lang), MAX_CHARS, MAX_SENTENCES)


def probabilities(model: Model, vectors: np.ndarray) -> np.ndarray:
    """Class probabilities (rows follow *vectors*); the training script uses the same function."""
    logits = vectors.astype(np.float32) @ model.weights + model.bias
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def band_of(model: Model, probability: float) -> str:
    if probability >= model.crisis_threshold:
        return "crisis"
    if probability >= model.ask_threshold:
        return "ask"
    return "none"


def score(model: Model, texts: list[str], vectors: np.ndarray) -> ClassifierVerdict:
    """The verdict for one message from the vectors of its pieces (*texts*, same order)."""
    probs = probabilities(model, vectors)
    none = model.classes.index(NONE)
    crisis_p = 1.0 - probs[:, none]
    best = int(crisis_p.argmax())
    row = probs[best].copy()
    row[none] = -1.0
    signal = model.classes[int(row.argmax())]
    p = float(crisis_p[best])
    return ClassifierVerdict(band_of(model, p), p, signal, SIGNAL_SEVERITY[signal] or "elevated", texts[best])


@lru_cache(maxsize=4096)
def _check_cached(text: str, lang: str) -> ClassifierVerdict | None:
    model = _state.model
    ps = pieces(text, lang)
    if model is None or not ps:
        return None
    return score(model, ps, embeddings.multilingual_encode(ps))


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
