"""Text normalisation for the crisis detector.

The rules layer matches patterns written against *normalised* text, so this module decides what
"the same words" means: lower case, NFKC, straight quotes, no accents, expanded contractions,
slang and common typos mapped to one spelling, leetspeak undone, letters repeated for emphasis
collapsed ("sooo", "dieeee").

Word lists live in the lexicon files (``lexicon/<lang>.yml``, section ``spelling``), not here.
Each section is documented in those files.

Repeated letters are ambiguous ("diee" should read "die", "kill" must stay "kill"), so
:func:`variants` returns up to two readings of a message: runs of three or more equal letters
collapsed to two, and collapsed to one. The rules layer matches both and keeps the union; most
messages have no such run and yield a single variant.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.config import SUPPORTED_LANGUAGES as LANGUAGES

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"

# Characters that look like quotes or apostrophes, mapped to their ASCII form.
_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "`": "'", "\u02bc": "'", "\uff07": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"',
    "\u00bb": '"', "\uff02": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2026": "...",
}
_QUOTE_TABLE = str.maketrans(_QUOTES)
# Zero-width characters, soft hyphen, variation selectors, BOM.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufe00-\ufe0f\ufeff]")
_REPEAT3 = re.compile(r"([a-z])\1{2,}")
# A token that starts with a letter and has digits or @/$ inside: "k1ll", "su1c1de", "d13".
_LEET_TOKEN = re.compile(r"(?<![a-z0-9])[a-z]+[0-9@$][a-z0-9@$]*(?![a-z0-9])")
_LEET_MAP = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_SPACE_AFTER_PUNCT = re.compile(r"([.!?;,])(?=[a-z])")
_JOINERS = re.compile(r"(?<=[a-z])[-_/*+](?=[a-z])")
_APOSTROPHE_IN_WORD = re.compile(r"(?<=[a-z])'(?=[a-z])")
_STRAY_APOSTROPHE = re.compile(r"'")
_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Spelling:
    """The ``spelling`` section of one language's lexicon, compiled."""

    pre: tuple[tuple[re.Pattern[str], str], ...]    # before apostrophes are removed
    words: dict[str, str]                           # one token -> replacement
    words_re: re.Pattern[str] | None
    post: tuple[tuple[re.Pattern[str], str], ...]   # after the word map
    keywords: frozenset[str]                        # targets of the typo corrector
    keyword_index: dict[str, str]                   # deletion neighbourhood -> keyword
    not_typos: frozenset[str]                       # real words the corrector must leave alone


_lock = threading.Lock()
_cache: dict[str, Spelling] = {}


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _compile_pairs(pairs: Iterable) -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for item in pairs or ():
        pattern, repl = item
        out.append((re.compile(pattern), repl))
    return tuple(out)


def load_lexicon_file(lang: str) -> dict:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    with open(LEXICON_DIR / f"{lang}.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def spelling(lang: str) -> Spelling:
    """The compiled spelling section for *lang* (loaded once, thread-safe)."""
    sp = _cache.get(lang)
    if sp is not None:
        return sp
    with _lock:
        sp = _cache.get(lang)
        if sp is None:
            data = load_lexicon_file(lang).get("spelling", {}) or {}
            words = {str(k): ("" if v is None else str(v)) for k, v in (data.get("words") or {}).items()}
            words_re = None
            if words:
                alternatives = sorted(words, key=len, reverse=True)
                words_re = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in alternatives) + r")\b")
            keywords = frozenset(data.get("keywords") or ())
            index: dict[str, str] = {}
            for kw in sorted(keywords, key=len):
                index.setdefault(kw, kw)
                for d in _deletes(kw):
                    index.setdefault(d, kw)
            sp = Spelling(
                pre=_compile_pairs(data.get("pre")),
                words=words,
                words_re=words_re,
                post=_compile_pairs(data.get("post")),
                keywords=keywords,
                keyword_index=index,
                not_typos=frozenset(data.get("not_typos") or ()),
            )
            _cache[lang] = sp
    return sp


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def basic_form(text: str) -> str:
    """Language-independent clean-up: NFKC, invisible characters, quotes, case, accents."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = text.translate(_QUOTE_TABLE)
    text = text.lower()
    text = strip_accents(text)
    return text


def collapse_repeats(text: str, keep: int) -> str:
    """Collapse runs of three or more equal letters to *keep* letters."""
    return _REPEAT3.sub(lambda m: m.group(1) * keep, text)


def _fix_typo(token: str, sp: Spelling) -> str:
    if len(token) < 5 or token in sp.keywords or token in sp.not_typos:
        return token
    hit = sp.keyword_index.get(token)            # a letter missing
    if hit is not None and abs(len(hit) - len(token)) <= 1:
        return hit
    for d in _deletes(token):
        if d in sp.keywords:                      # a letter too many
            return d
        hit = sp.keyword_index.get(d)             # a letter wrong or two swapped
        if hit is not None and len(hit) == len(token):
            return hit
    return token


def _normalise_one(text: str, sp: Spelling) -> str:
    for pattern, repl in sp.pre:
        text = pattern.sub(repl, text)
    text = _APOSTROPHE_IN_WORD.sub("", text)
    text = _STRAY_APOSTROPHE.sub(" ", text)
    text = _JOINERS.sub(" ", text)
    text = _SPACE_AFTER_PUNCT.sub(r"\1 ", text)
    text = _LEET_TOKEN.sub(lambda m: m.group(0) if m.group(0) in sp.words else m.group(0).translate(_LEET_MAP), text)
    if sp.words_re is not None:
        text = sp.words_re.sub(lambda m: sp.words[m.group(0)], text)
    for pattern, repl in sp.post:
        text = pattern.sub(repl, text)
    if sp.keyword_index:
        text = _TOKEN.sub(lambda m: _fix_typo(m.group(0), sp), text)
    return _WS.sub(" ", text).strip()


@lru_cache(maxsize=2048)
def _variants_cached(text: str, lang: str) -> tuple[str, ...]:
    sp = spelling(lang)
    base = basic_form(text)
    if _REPEAT3.search(base):
        readings = (collapse_repeats(base, 2), collapse_repeats(base, 1))
    else:
        readings = (base,)
    out: list[str] = []
    for r in readings:
        n = _normalise_one(r, sp)
        if n not in out:
            out.append(n)
    return tuple(out)


def variants(text: str, lang: str = "en") -> tuple[str, ...]:
    """All normalised readings of *text* (one, or two when letters are repeated for emphasis)."""
    return _variants_cached(text, lang)


def normalise(text: str, lang: str = "en") -> str:
    """The primary normalised reading of *text*.

    >>> normalise("I don’t wanna LIVE anymoooore", "en")
    'i do not want to live anymore'
    """
    vs = variants(text, lang)
    # Prefer the reading where emphasis was collapsed to one letter when it produced a different
    # text ("anymoore" -> "anymore"); for messages without repeated letters there is one reading.
    return vs[-1]
