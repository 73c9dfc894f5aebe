"""What a message is about: the side of life it touches, the direction, and a topic to name.

* **Side of life** (dimension): a logistic regression over the multilingual sentence vector
  (:func:`bot.embeddings.multilingual_encode`), so English and Dutch share one model, next to hashed
  words and word pairs (:mod:`bot.text_features`), which carry what the encoder reads poorly in
  Dutch chat and Flemish ("ons ma", "nie doorgeslapen"): on the seen probes v1+v2 they named the right
  side for 124 instead of 116 of 140 Dutch reflections (English 129 vs 129). It learns from
  ``training/{en,nl}.jsonl`` (messages labelled by a writer who never saw the blind probe) and the
  English prototypes of ``dimensions.yml``, with a fifth class "none" for messages about no side of
  life ("hmm", "what do you mean"). Trained once per process on first use (about ten seconds with the
  hashed words; the gateway and the action server do it while they start).
* **Direction** (too much / too little): cue words from the content (``cues`` in
  ``reflection.yml``: "te veel", "barely") speak first, then a second regression over the same vector.
* **Topic** ("your work", "je slaap"): the ``topics`` lexicon of the content, so the bot can say
  what it heard in the person's own terms. A topic is kept only when it belongs to a side of life
  the message was heard to touch.

If the encoder cannot load, the topic lexicon alone decides (a topic names its side of life).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot import embeddings
from bot.content import check_language, section
from bot.lazy import LazyModel
from bot.text import normalise
from bot.text_features import word_features
from bot.wellbeing.model import DIMENSIONS, dimensions
from bot.wellbeing.reflection import lexicon_regex

HERE = Path(__file__).resolve().parent
TRAINING = HERE / "training"
NONE = "none"
DIRECTIONS = ("too_much", "too_little")


@cache
def settings() -> dict[str, Any]:
    return yaml.safe_load((HERE / "thresholds.yml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Heard:
    """What the bot took from one message; all None when it could not tell."""

    dimension: str | None
    direction: str | None = None        # "too_much", "too_little" or None
    topic: str | None = None            # a topic id of the content's `topics`
    also: str | None = None             # a second side of life, when the message spans two
    probability: float = 0.0


# ---------------------------------------------------------------------------------- training data

def training_examples() -> list[tuple[str, list[str], str | None]]:
    """(text, dimensions, direction) for every labelled line, both languages."""
    out: list[tuple[str, list[str], str | None]] = []
    for path in sorted(TRAINING.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append((row["text"], list(row.get("dimensions") or []), row.get("direction")))
    for dim in dimensions("en"):
        out.extend((p, [dim.id], None) for p in dim.prototypes)
    return out


def features(texts: list[str]) -> Any:
    """The sentence vectors with the weighted hashed words beside them (sparse rows)."""
    from scipy import sparse

    cfg = settings()["mapping"]
    words = word_features(texts, int(cfg["word_features"])) * float(cfg["word_weight"])
    return sparse.hstack([sparse.csr_matrix(embeddings.multilingual_encode(texts)), words]).tocsr()


def _fit() -> Any:
    from sklearn.linear_model import LogisticRegression

    examples = training_examples()
    vectors = features([text for text, _, _ in examples])
    c = float(settings()["mapping"]["C"])
    rows, labels, d_rows, d_labels = [], [], [], []
    for i, (_, dims, direction) in enumerate(examples):
        for dim in dims or [NONE]:
            rows.append(i)
            labels.append(dim)
        if dims:
            d_rows.append(i)
            d_labels.append(direction if direction in DIRECTIONS else "unclear")
    side = LogisticRegression(C=c, max_iter=3000).fit(vectors[rows], labels)
    direction = LogisticRegression(C=c, max_iter=3000).fit(vectors[d_rows], d_labels)
    return side, direction


_models = LazyModel("reflection mapping", _fit)


def ready() -> bool:
    return _models.get() is not None


# ---------------------------------------------------------------------------------- lexicons

@cache
def _topics(lang: str) -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """(topic id, its dimension, its pattern), longest entries first so "too much work" beats "work"."""
    out = []
    for topic, spec in (section(lang, "reflection").get("topics") or {}).items():
        words = sorted(spec.get("words") or [], key=len, reverse=True)
        if words:
            out.append((topic, spec["dimension"], re.compile("|".join(lexicon_regex(w) for w in words))))
    return tuple(out)


def topics_in(text: str, lang: str) -> list[tuple[str, str]]:
    """(topic, dimension) of every topic the text names, in order of first mention."""
    t = normalise(text)
    found = []
    for topic, dim, pattern in _topics(check_language(lang)):
        match = pattern.search(t)
        if match:
            found.append((match.start(), topic, dim))
    return [(topic, dim) for _, topic, dim in sorted(found)]


@cache
def _cue(lang: str, name: str) -> re.Pattern[str] | None:
    words = sorted((section(lang, "reflection").get("cues") or {}).get(name) or [], key=len, reverse=True)
    return re.compile("|".join(lexicon_regex(w) for w in words)) if words else None


def has_cue(text: str, lang: str, name: str) -> bool:
    """Whether the text holds one of the content's cue phrases `name` (e.g. "no_god", "too_much")."""
    pattern = _cue(check_language(lang), name)
    return bool(pattern and pattern.search(normalise(text)))


def _direction_cue(text: str, lang: str) -> str | None:
    hits = [d for d in DIRECTIONS if has_cue(text, lang, d)]
    return hits[0] if len(hits) == 1 else None


def dimension_named(text: str, lang: str) -> str | None:
    """The side of life a question names by one of its words ("what is spiritual?"), or None."""
    t = normalise(text or "")
    for dim, words in (section(check_language(lang), "reflection").get("dimension_words") or {}).items():
        if any(re.search(lexicon_regex(w), t) for w in words):
            return dim
    return None


def sounds_like_sharing(text: str, lang: str, surely: float | None = None) -> bool:
    """Whether a message the dialogue took for small talk is really about a side of life: long enough
    to tell a story, and heard as one side at least *surely* (default: the small-talk level)."""
    cfg = settings()["mapping"]
    if len((text or "").split()) < int(cfg["small_talk_min_words"]):
        return False
    heard = hear(text, lang)
    at_least = float(cfg["small_talk_probability"]) if surely is None else surely
    return heard.dimension is not None and heard.probability >= at_least


# ---------------------------------------------------------------------------------- public API

def hear(text: str, lang: str) -> Heard:
    """The side of life, direction and topic of one message (see the module docstring)."""
    check_language(lang)
    text = (text or "").strip()[:2000]
    if not text:
        return Heard(None)
    topics = topics_in(text, lang)
    models = _models.get()
    if models is None:
        if not topics:
            return Heard(None)
        topic, dim = topics[0]
        return Heard(dim, _direction_cue(text, lang), topic)
    side, direction_model = models
    cfg = settings()["mapping"]
    vector = features([text])
    probs = dict(zip(side.classes_, side.predict_proba(vector)[0], strict=True))
    ranked = sorted(DIMENSIONS, key=lambda d: -probs.get(d, 0.0))
    best, second = ranked[0], ranked[1]
    p_best = float(probs.get(best, 0.0))
    if p_best < float(cfg["min_probability"]) or p_best <= float(probs.get(NONE, 0.0)):
        # Not sure from the meaning: a named topic still says which side of life it is.
        if not topics:
            return Heard(None, probability=p_best)
        best, p_best = topics[0][1], float(probs.get(topics[0][1], 0.0))
        also = None
    else:
        also = second if float(probs.get(second, 0.0)) >= float(cfg["second_probability"]) else None
    topic = next((t for t, d in topics if d == best), None) or next((t for t, d in topics if d == also), None)
    direction = _direction_cue(text, lang)
    if direction is None:
        d_probs = dict(zip(direction_model.classes_, direction_model.predict_proba(vector)[0], strict=True))
        guess = max(DIRECTIONS, key=lambda d: d_probs.get(d, 0.0))
        if d_probs.get(guess, 0.0) >= float(cfg["direction_probability"]):
            direction = guess
    return Heard(best, direction, topic, also, round(p_best, 4))
