"""The embedding layer (English only): similarity to crisis exemplars versus contrast exemplars.

The message (normalised, so "kms" reads "kill myself") and each of its sentences are embedded with
all-MiniLM-L6-v2 and compared by cosine similarity with

* crisis exemplars, grouped by signal, each group with a severity, and
* contrast exemplars: idioms, mishaps, grief, reflective talk about death, negations,
  ordinary sadness (the things the model would otherwise confuse with a crisis).

A piece of text raises only when its best crisis similarity is at least ``threshold`` AND beats
its best contrast similarity by at least ``margin``. Both numbers live in
``lexicon/exemplars_en.yml`` and were calibrated on tests/crisis_corpus/en.jsonl so that this layer
alone raises on (close to) no hard negative; it exists to catch paraphrases the lexicon misses,
never to veto it.

The model is loaded lazily once, under a lock; :func:`warm_up` preloads it in a daemon thread. If
it cannot be loaded (package missing, files broken) a warning is logged once and :func:`check`
returns ``None``, so the rules layer keeps working on its own.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot import embeddings

from .normalise import normalise

log = logging.getLogger(__name__)

EXEMPLARS_PATH = Path(__file__).resolve().parent / "lexicon" / "exemplars_en.yml"
MAX_CHARS = 2000          # longer messages are cut; the rules layer still sees everything
MAX_SENTENCES = 12


@dataclass(frozen=True)
class EmbeddingHit:
    severity: str
    signals: tuple[str, ...]
    score: float              # best crisis similarity
    contrast: float           # best contrast similarity of the same piece of text
    piece: str                # the piece of text that raised


@dataclass(frozen=True)
class Scores:
    """Raw scores of one piece of text, for calibration and audits."""

    piece: str
    crisis: float
    crisis_group: str
    crisis_example: str
    contrast: float
    contrast_example: str


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()          # held while loading
        self.thread_lock = threading.Lock()
        self.loaded = False
        self.failed = False
        self.model = None
        self.crisis_vecs = None
        self.crisis_meta: list[tuple[str, str, str]] = []   # (group, severity, text)
        self.group_severity: dict[str, str] = {}
        self.contrast_vecs = None
        self.contrast_texts: list[str] = []
        self.threshold = 1.0
        self.margin = 1.0
        self.thread: threading.Thread | None = None


_state = _State()


def load_exemplars(path: Path = EXEMPLARS_PATH) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    for group, spec in (data.get("crisis") or {}).items():
        if spec.get("severity") not in ("concern", "elevated", "high", "imminent"):
            raise ValueError(f"exemplar group {group!r} has no valid severity")
        if not spec.get("examples"):
            raise ValueError(f"exemplar group {group!r} has no examples")
    return data


def _load(wait: bool = True) -> bool:
    """Load the model once. With *wait* false, return False at once while another thread loads."""
    if _state.loaded or _state.failed:
        return _state.loaded
    if not _state.lock.acquire(blocking=wait):
        return False
    try:
        if _state.loaded or _state.failed:
            return _state.loaded
        try:
            data = load_exemplars()
            model = embeddings.load(wait=wait)
            if model is None:
                if not wait:
                    return False
                raise RuntimeError("no sentence-embedding model")
            meta = [
                (group, spec["severity"], text)
                for group, spec in data["crisis"].items()
                for text in spec["examples"]
            ]
            contrast = [text for texts in data["contrast"].values() for text in texts]
            crisis_vecs = embeddings.encode([normalise(t, "en") for _, _, t in meta])
            contrast_vecs = embeddings.encode([normalise(t, "en") for t in contrast])
            calib = data.get("calibration") or {}
            _state.threshold = float(calib.get("threshold", 0.75))
            _state.margin = float(calib.get("margin", 0.05))
            _state.model = model
            _state.crisis_meta = meta
            _state.group_severity = {g: spec["severity"] for g, spec in data["crisis"].items()}
            _state.crisis_vecs = crisis_vecs
            _state.contrast_texts = contrast
            _state.contrast_vecs = contrast_vecs
            _state.loaded = True
        except Exception as exc:  # noqa: BLE001 - any failure must leave the rules running
            _state.failed = True
            log.warning("crisis embedding layer disabled: could not load the model (%s: %s); "
                        "the lexicon layer still runs", type(exc).__name__, exc)
    finally:
        _state.lock.release()
    return _state.loaded


def warm_up(background: bool = True) -> None:
    """Load the model now; in a daemon thread unless *background* is false."""
    if _state.loaded or _state.failed:
        return
    if not background:
        _load()
        return
    with _state.thread_lock:
        if _state.thread is None or not _state.thread.is_alive():
            _state.thread = threading.Thread(target=_load, name="crisis-embedding-warm-up",
                                             daemon=True)
            _state.thread.start()


def ready() -> bool:
    return _state.loaded


def failed() -> bool:
    return _state.failed


def pieces(text: str) -> list[str]:
    """The whole (normalised) message and each of its sentences, without duplicates."""
    return embeddings.pieces(normalise(text[:MAX_CHARS], "en"), MAX_CHARS, MAX_SENTENCES)


def scores(text: str) -> list[Scores]:
    """Best crisis and contrast similarity of every piece of *text* (loads the model, waiting)."""
    if not _load():
        return []
    ps = pieces(text)
    if not ps:
        return []
    vecs = embeddings.encode(ps)
    crisis = vecs @ _state.crisis_vecs.T
    contrast = vecs @ _state.contrast_vecs.T
    out = []
    for i, p in enumerate(ps):
        ci = int(crisis[i].argmax())
        ni = int(contrast[i].argmax())
        group, _, example = _state.crisis_meta[ci]
        out.append(Scores(p, float(crisis[i, ci]), group, example,
                          float(contrast[i, ni]), _state.contrast_texts[ni]))
    return out


_SEV_RANK = {"concern": 0, "elevated": 1, "high": 2, "imminent": 3}


@lru_cache(maxsize=4096)
def _check_cached(text: str, quiet: tuple[str, ...], loud: tuple[str, ...]) -> EmbeddingHit | None:
    best: EmbeddingHit | None = None
    for sc in scores(text):
        if not (sc.crisis >= _state.threshold and sc.crisis - sc.contrast >= _state.margin):
            continue
        if any(q in sc.piece for q in quiet) and not any(x in sc.piece for x in loud):
            continue   # the lexicon read this sentence as negated or idiomatic
        severity = _state.group_severity[sc.crisis_group]
        hit = EmbeddingHit(severity, (sc.crisis_group,), sc.crisis, sc.contrast, sc.piece)
        if best is None or (_SEV_RANK[hit.severity], hit.score) > (_SEV_RANK[best.severity], best.score):
            best = hit
    return best


def check(text: str, quiet: tuple[str, ...] = (), loud: tuple[str, ...] = ()) -> EmbeddingHit | None:
    """The embedding layer's verdict on *text*, or None (no raise, or model unavailable).

    *quiet* are normalised phrases the lexicon read as negated or idiomatic ("not going to kill
    myself", "killing me"), *loud* the phrases it raised on. A sentence containing a quiet phrase
    and no loud one is skipped: sentence embeddings cannot tell "I will never kill myself" from
    "I will kill myself", the lexicon can. Everything else is judged on similarity alone.
    """
    # Lazy: the first call loads the model; while another thread (warm_up) is loading it, do not
    # wait for it, the lexicon layer has already answered.
    if not _load(wait=_state.thread is None):
        return None
    return _check_cached(text, tuple(sorted(set(quiet))), tuple(sorted(set(loud))))
