"""Hashed word and character n-gram features, shared by the models that learn from text next to the
sentence vector (the crisis classifier's spelling and words views, the reflection mapping). They
hold on what a sentence encoder has rarely seen: typos, chat spelling, Flemish forms ("kzie", "ons
ma"). Stateless (scikit-learn's HashingVectorizer), so a model stores only its weights."""
from __future__ import annotations

from functools import lru_cache

import numpy as np


@lru_cache(maxsize=4)
def _hasher(analyzer: str, n_features: int):
    from sklearn.feature_extraction.text import HashingVectorizer

    ngrams = (2, 5) if analyzer == "char_wb" else (1, 2)
    return HashingVectorizer(analyzer=analyzer, ngram_range=ngrams, n_features=n_features,
                             alternate_sign=False, norm="l2", dtype=np.float32)


def char_features(texts: list[str], n_features: int):
    """Hashed character n-grams 2-5 within words (sparse rows, l2-normalised)."""
    return _hasher("char_wb", n_features).transform(texts)


def word_features(texts: list[str], n_features: int):
    """Hashed words and word pairs (sparse rows, l2-normalised)."""
    return _hasher("word", n_features).transform(texts)
