"""Which dimension(s) a free-text reflection speaks about, and a question to check it with the person.

Two methods, both driven by data in ``bot/content/<lang>/dimensions.yml`` and numbers in
``thresholds.yml`` (section ``reflection``):

* **English: sentence embeddings.** The text (whole, and each sentence) is embedded with the
  offline all-MiniLM-L6-v2 model and compared with the ``prototypes`` of each dimension and with
  ``neutral`` sentences ("I don't know", "it's fine"). A dimension's score for a piece of text is
  the mean of its ``top_k`` best prototype similarities. A piece counts only when its best score
  reaches ``min_score`` and beats its best neutral similarity by ``margin``; from such a piece every
  dimension within ``band`` of the best is kept. Unclear texts therefore map to no dimension.
* **Dutch: a word lexicon.** The embedding model we ship is English-only; applying it to Dutch
  would give confident-looking numbers with no meaning. So Dutch uses a transparent list of words
  and stems per dimension (``lexicon``): a dimension's score is hits / (hits + 1); dimensions with
  at least ``min_hits`` hits and at least ``band`` times the best hit count are kept. Anyone can
  read the list and see why a text was mapped. English falls back to its own lexicon when the
  model cannot be loaded.

Either way the result is only a guess to *confirm* with the person (:func:`confirmation_question`),
never a label put on them.

The model is loaded lazily, once, under a lock; encoding is serialised with a second lock, so the
functions are safe to call from several threads.
"""
from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot import embeddings
from bot.content import check_language, section
from bot.text import normalise, one_line

from .answers import join_list
from .model import DIMENSIONS, dimension, dimensions, thresholds

log = logging.getLogger(__name__)

MAX_CHARS = 2000
MAX_SENTENCES = 12


# --------------------------------------------------------------------------------------------
# Lexicon


def lexicon_regex(entry: str) -> str:
    """A regex for one lexicon entry: "word" whole word, "stem*" word start, "*part*" anywhere."""
    words = []
    for word in entry.strip().lower().split():
        start = word.startswith("*")
        end = word.endswith("*")
        core = re.escape(normalise(word.strip("*")))
        words.append((r"[a-z]*" if start else r"(?<![a-z])") + core + (r"[a-z]*" if end else r"(?![a-z])"))
    return r"\s+".join(words)


@cache
def _lexicon(lang: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for dim in dimensions(lang):
        if dim.lexicon:
            body = "|".join(lexicon_regex(e) for e in sorted(dim.lexicon, key=len, reverse=True))
            out.append((dim.id, re.compile(body)))
    return tuple(out)


def lexicon_hits(text: str, lang: str) -> dict[str, list[str]]:
    """The words of *text* that matched each dimension's lexicon (for explanations and tests)."""
    t = normalise(text[:MAX_CHARS])
    return {dim: [m.group(0) for m in pattern.finditer(t)] for dim, pattern in _lexicon(check_language(lang))}


def _by_lexicon(text: str, lang: str) -> list[tuple[str, float]]:
    cfg = thresholds()["reflection"]["lexicon"]
    counts = {d: len(h) for d, h in lexicon_hits(text, lang).items() if h}
    if not counts:
        return []
    best = max(counts.values())
    keep = [(d, n) for d, n in counts.items()
            if n >= int(cfg["min_hits"]) and n >= float(cfg["band"]) * best]
    keep.sort(key=lambda x: (-x[1], DIMENSIONS.index(x[0])))
    return [(d, round(n / (n + 1), 4)) for d, n in keep]


# --------------------------------------------------------------------------------------------
# Embeddings (English)


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loaded = False
        self.failed = False
        self.proto_vecs: Any = None          # (n, d) normalised
        self.proto_dims: list[str] = []
        self.neutral_vecs: Any = None


_state = _State()


def _load() -> bool:
    if _state.loaded or _state.failed:
        return _state.loaded
    with _state.lock:
        if _state.loaded or _state.failed:
            return _state.loaded
        try:
            dims = [(d.id, p) for d in dimensions("en") for p in d.prototypes]
            neutral = list(section("en", "dimensions").get("neutral") or [])
            if not dims or not neutral:
                raise ValueError("en/dimensions.yml needs prototypes per dimension and neutral sentences")
            _state.proto_vecs = embeddings.encode([p for _, p in dims])
            _state.proto_dims = [d for d, _ in dims]
            _state.neutral_vecs = embeddings.encode(neutral)
            _state.loaded = True
        except Exception as exc:  # noqa: BLE001 - fall back to the lexicon
            _state.failed = True
            log.warning("reflection mapping: embedding model unavailable (%s: %s); using the English lexicon",
                        type(exc).__name__, exc)
    return _state.loaded


def embedding_ready() -> bool:
    return _load()


def _pieces(text: str) -> list[str]:
    return embeddings.pieces(text, MAX_CHARS, MAX_SENTENCES)


@dataclass(frozen=True)
class PieceScores:
    """Scores of one piece of text, for calibration and explanations."""

    piece: str
    dimensions: dict[str, float]
    neutral: float


def embedding_scores(text: str) -> list[PieceScores]:
    """Per piece of *text*: each dimension's score and the best neutral similarity (loads the model)."""
    if not _load():
        return []
    import numpy as np

    pieces = _pieces(text)
    if not pieces:
        return []
    top_k = int(thresholds()["reflection"]["embedding"]["top_k"])
    vecs = embeddings.encode(pieces)
    sims = vecs @ _state.proto_vecs.T
    neutral = (vecs @ _state.neutral_vecs.T).max(axis=1)
    dims = np.array(_state.proto_dims)
    out = []
    for i, piece in enumerate(pieces):
        scores = {}
        for d in DIMENSIONS:
            row = np.sort(sims[i][dims == d])[::-1][:top_k]
            scores[d] = round(float(row.mean()), 4)
        out.append(PieceScores(piece, scores, round(float(neutral[i]), 4)))
    return out


def _by_embedding(text: str) -> list[tuple[str, float]] | None:
    if not _load():
        return None
    cfg = thresholds()["reflection"]["embedding"]
    min_score, margin, band = float(cfg["min_score"]), float(cfg["margin"]), float(cfg["band"])
    best: dict[str, float] = {}
    for ps in embedding_scores(text):
        top = max(ps.dimensions.values())
        if top < min_score or top - ps.neutral < margin:
            continue
        for d, s in ps.dimensions.items():
            if s >= top - band and s >= min_score:
                best[d] = max(best.get(d, 0.0), s)
    return sorted(best.items(), key=lambda x: (-x[1], DIMENSIONS.index(x[0])))


# --------------------------------------------------------------------------------------------
# Public API


def map_reflection(text: str, lang: str) -> list[tuple[str, float]]:
    """The dimension(s) *text* speaks about, best first, as ``[(dimension, score)]``; ``[]`` when
    unclear. English uses embeddings (lexicon if the model is unavailable), Dutch the lexicon."""
    check_language(lang)
    if not text or not text.strip():
        return []
    if lang == "en":
        mapped = _by_embedding(text)
        if mapped is not None:
            return mapped
    return _by_lexicon(text, lang)


def confirmation_question(dims: Iterable[str | tuple[str, float]], lang: str) -> str:
    """"It sounds like this touches your relationships. Is that right?" (or, for no dimension,
    a question offering the four). Accepts dimension ids or ``map_reflection`` pairs."""
    texts = section(check_language(lang), "checkin")["confirmation"]
    ids = [d[0] if isinstance(d, tuple) else d for d in dims]
    areas = [dimension(d, lang).area for d in ids]
    if not areas:
        choices = join_list([d.area for d in dimensions(lang)], lang, "or")
        return one_line(texts["none"].format(choices=choices))
    key = "one" if len(areas) == 1 else "several"
    return one_line(texts[key].format(areas=join_list(areas, lang)))
