"""Text helpers shared across the core: one way to normalise what a person typed, and one way to turn
a list of phrases from the content files into a regex (the check-in, the exercises, the reflection
mapping and the group conversation all read answers with these)."""
from __future__ import annotations

import re
import unicodedata


def one_line(text: str) -> str:
    """Runs of whitespace (also newlines from folded YAML) as single spaces, no space at either end."""
    return " ".join(text.split())


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u00b4": "'", "`": "'", "\u201c": '"',
                         "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-"})
_WORD_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
_OTHER_PUNCT = re.compile(r"[^a-z0-9'%/.,\-\s]")
_DANGLING = re.compile(r"(?<![0-9])[.,]|[.,](?![0-9])")
_WS = re.compile(r"\s+")


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Lower case, straight quotes, no accents, punctuation (bar what numbers need) as spaces."""
    t = unicodedata.normalize("NFKC", text or "").translate(_QUOTES).lower()
    t = strip_accents(t)
    t = _WORD_HYPHEN.sub(" ", t)
    t = _OTHER_PUNCT.sub(" ", t)
    t = _DANGLING.sub(" ", t)
    return _WS.sub(" ", t).strip()


def phrase_regex(phrases: list[str] | tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex for whole-word phrases (normalised, longest first); "*" at the start or end of a
    word stands for any letters there ("relax*" matches "relaxing")."""
    bodies: set[str] = set()
    for phrase in phrases:
        parts = []
        for word in str(phrase).split():
            start, end = word.startswith("*"), word.endswith("*")
            core = normalise(word.strip("*"))
            if not core:
                continue
            pieces = [re.escape(piece) for piece in core.split(" ")]
            parts.append((r"[a-z0-9']*" if start else "") + r"\s+".join(pieces) + (r"[a-z0-9']*" if end else ""))
        if parts:
            bodies.add(r"\s+".join(parts))
    if not bodies:
        return None
    ordered = sorted(bodies, key=len, reverse=True)
    return re.compile(rf"(?<![a-z0-9'])(?:{'|'.join(ordered)})(?![a-z0-9'])")
