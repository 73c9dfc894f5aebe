"""Reading lifeline moments from what people type, in English and Dutch.

* :func:`parse_point` reads "when I was 12 we moved, that was hard, -3", "2015: my father died -5",
  "op mijn 20ste ging ik studeren, +4", "rond mijn dertigste trouwde ik (+5)", "-2 bij 40 jaar
  scheiding" ... into a :class:`ParsedPoint`: age and/or year, the few words (label), a feeling
  -5..+5, and what could not be read (``missing``: ``"when"``, ``"label"``, ``"feeling"``, in the
  order the conversation asks for them).
* :func:`parse_when`, :func:`parse_feeling`, :func:`parse_birth_year` read a single answer to
  "when was that?", "how did it feel?" and "which year were you born?" (a bare "12" is an age, a
  bare "3" is +3).
* :func:`parse_command` reads "done", "show", "undo", "delete 3", "change 2: at 14, -2", "no, it
  was -2" (a correction of the last point), "that's right", "help".
* :func:`sort_points` puts points in time order (see there for how ages and years are combined).

All words and patterns live in ``bot/content/<lang>/lifeline.yml`` (section ``parsing``). Text is
matched lower case, without accents, with every dash as "-" and straight quotes; that folding keeps
every character in place, so the label is cut out of the text exactly as the person typed it.

Reading rules, in order:
1. Feelings given as numbers: a sign and a number ("-3", "+4", "−3" with a unicode minus, "(+5)"),
   a sign word ("minus 4", "min vier"), or a feeling word before a number ("feeling 2", "gevoel:
   -1"). Values 6..10 are taken as 5; larger numbers are not feelings. The last one given counts.
2. Ages, by the patterns in ``age_patterns`` ("when I was 12", "at 18", "age 25", "toen ik 7 was",
   "op mijn 20ste", "rond mijn dertigste", "bij 40 jaar", "in my late twenties" = 28). A number
   above 120 is never an age.
3. Years: four digits from 1900 to 2100, with what goes with them ("in", "since", "summer of", a
   month) so that does not end up in the label.
4. Weak ages: "at 18" with digits only, not before a time, a percentage or a month; and a number
   at the very start before ":", ",", "-" or ")" ("12: we moved").
5. A bare number 0..5 at the very end is a positive feeling when a time was found ("at 18 I left
   home 4").
6. Feeling words ("very hard", "mixed", "great", "heel zwaar", "gemengd", "geweldig"), when they
   follow a lead-in ("that was hard", "voelde geweldig"), stand as their own part of the message
   (", mixed,"), or end it. They set the feeling only when no number did (several are averaged);
   either way they are taken out of the label.
7. What is left is the label, split at commas, brackets and spaced dashes, trimmed of "and",
   "then", "toen" at the edges, without parts that are only filler ("it was", "het was").
When the session's language finds less than the other language, the other reading is used (people
mix languages).
"""
from __future__ import annotations

import math
import re
import statistics
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from bot.config import SUPPORTED_LANGUAGES
from bot.content import check_language, section
from bot.text import one_line

WHEN, LABEL, FEELING = "when", "label", "feeling"
FEELING_MIN, FEELING_MAX = -5, 5
AGE_MAX = 120
YEAR_MIN, YEAR_MAX = 1900, 2100
LABEL_MAX = 140
LAST = -1  # Command.index for "the last one"
MASK = "\x00"


@dataclass
class ParsedPoint:
    age: int | None = None
    year: int | None = None
    label: str = ""
    feeling: int | None = None
    missing: list[str] = field(default_factory=list)
    said: str | None = None  # what the person gave: "age", "year" or "both" (None: no time)

    @property
    def has_when(self) -> bool:
        return self.age is not None or self.year is not None

    def as_point(self) -> dict[str, Any]:
        return {"age": self.age, "year": self.year, "label": self.label, "feeling": self.feeling,
                "said": self.said}


@dataclass(frozen=True)
class Command:
    kind: str                 # done | show | undo | delete | change | yes | help
    index: int | None = None  # 1-based number on the list, LAST for "the last one", None if not said
    text: str = ""            # for change: the new content, as typed ("" when none was given)


# --------------------------------------------------------------------------------------------
# Folding: lower case, no accents, straight quotes, "-" for every dash, one character for one.

_CHAR_MAP = {"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-",
             "\ufe63": "-", "\uff0d": "-", "\u2018": "'", "\u2019": "'", "\u00b4": "'", "`": "'",
             "\u201c": '"', "\u201d": '"', "\u201e": '"', "\uff0b": "+"}


def fold(text: str) -> str:
    """*text* lower case, without accents, dashes as "-", quotes straight; same length as *text*."""
    out = []
    for c in text:
        mapped = _CHAR_MAP.get(c)
        if mapped is None:
            low = c.lower()
            if len(low) != 1:
                low = c
            base = "".join(x for x in unicodedata.normalize("NFKD", low) if not unicodedata.combining(x))
            mapped = base if len(base) == 1 else (" " if not base else low)
        out.append(" " if mapped.isspace() else mapped)
    return "".join(out)


def _key(phrase: str) -> str:
    return one_line(fold(str(phrase)))


def _alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of folded phrases, longest first, any run of spaces between words."""
    keys = sorted({_key(p) for p in phrases if _key(p)}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in k.split(" ")) for k in keys) or r"(?!x)x"


def _spaces(template: str) -> str:
    """Literal spaces outside character classes mean "one or more spaces"."""
    out: list[str] = []
    in_class = escaped = False
    for ch in template:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif in_class:
            out.append(ch)
            in_class = ch != "]"
        else:
            in_class = ch == "["
            out.append(r"\s+" if ch == " " else ch)
    return "".join(out)


def _round(x: float) -> int:
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def _clamp_feeling(v: float) -> int:
    return max(FEELING_MIN, min(FEELING_MAX, _round(v)))


# --------------------------------------------------------------------------------------------
# Words per language

@dataclass(frozen=True)
class _Words:
    cardinals: dict[str, int]
    ordinals: dict[str, int]
    ordinal_suffix_re: re.Pattern[str]
    decades: dict[str, int]
    decade_parts: dict[str, int]
    age_res: tuple[re.Pattern[str], ...]
    age_weak_res: tuple[re.Pattern[str], ...]
    year_res: tuple[re.Pattern[str], ...]
    leading_number: bool
    feeling_keyword_re: re.Pattern[str]
    feeling_signword_re: re.Pattern[str]
    sign_words: dict[str, int]
    phrase_re: re.Pattern[str]
    phrases: dict[str, int]
    intensifiers: frozenset[str]
    softeners: frozenset[str]
    label_trim: tuple[tuple[str, ...], ...]
    label_drop: frozenset[str]
    birth_words: frozenset[str]
    commands: dict[str, frozenset[str]]
    fillers: tuple[tuple[str, ...], ...]
    delete_re: tuple[re.Pattern[str], ...]
    change_re: tuple[re.Pattern[str], ...]
    correction_re: re.Pattern[str]
    last_words: frozenset[str]
    delete_verbs: frozenset[str]
    change_verbs: frozenset[str]


_SIGN = r"(?<![\d.,/+\-])(?P<sign>[+-])\s?(?P<n>\d{1,2}(?:[.,]\d)?)(?![\w]|[.,]\d)"
_SIGN_RE = re.compile(_SIGN)
_YEAR = r"(?P<year>(?<!\d)(?:19\d\d|20\d\d|2100)(?!\d))"


def _numbers(data: dict[str, Any]) -> tuple[dict[str, int], dict[str, int]]:
    """Number words 0..99 and ordinal words 1st..99th, built from units, tens and joiners:
    "twenty-one", "twenty-first" (tens first) or "eenentwintig", "eenentwintigste" (units first)."""
    units = {_key(k): int(v) for k, v in (data.get("units") or {}).items()}
    tens = {_key(k): int(v) for k, v in (data.get("tens") or {}).items()}
    unit_ord = {_key(k): int(v) for k, v in (data.get("unit_ordinals") or {}).items()}
    ten_ord = {_key(k): int(v) for k, v in (data.get("ten_ordinals") or {}).items()}
    joiners = [str(j) for j in data.get("joiners") or [" "]]
    tens_first = bool(data.get("tens_first", True))
    cardinals, ordinals = {**units, **tens}, {**unit_ord, **ten_ord}
    small_units = {u: uv for u, uv in units.items() if 1 <= uv <= 9}
    for t, tv in tens.items():
        t_ordinal = next((k for k, v in ten_ord.items() if v == tv), None)
        for j in joiners:
            for u, uv in small_units.items():
                cardinals[_key(t + j + u if tens_first else u + j + t)] = tv + uv
                if not tens_first and t_ordinal:
                    ordinals[_key(u + j + t_ordinal)] = tv + uv
            if tens_first:
                for u, uv in unit_ord.items():
                    if 1 <= uv <= 9:
                        ordinals[_key(t + j + u)] = tv + uv
    return cardinals, ordinals


def _compile(template: str, fills: dict[str, str]) -> re.Pattern[str]:
    body = re.sub(r"\{([a-z_]+)\}", lambda m: fills[m.group(1)], _spaces(template))
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])")


def _int_values(mapping: dict[str, Any] | None) -> dict[str, int]:
    return {_key(k): int(v) for k, v in (mapping or {}).items()}


def _keys(items: Iterable[str] | None) -> frozenset[str]:
    return frozenset(_key(x) for x in items or [])


def _tokens(items: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """Phrases as word tuples, longest first."""
    return tuple(sorted({tuple(_key(x).split()) for x in items if _key(x)}, key=len, reverse=True))


# _words is built in steps, one per group of _Words fields; each returns those fields by name.

def _time_words(data: dict[str, Any], cardinals: dict[str, int], ordinals: dict[str, int]) -> dict[str, Any]:
    """Ordinals with a suffix ("12th", "20ste"), decades, and the age and year patterns."""
    suffixes = sorted((str(s) for s in data["numbers"].get("ordinal_suffixes") or []), key=len, reverse=True)
    suffix_alt = "|".join(re.escape(s) for s in suffixes) or r"(?!x)x"
    num_alt = rf"\d{{1,3}}(?![.,]\d)|{_alternation(cardinals)}"
    decades = _int_values(data.get("decades"))
    not_after = _alternation(str(x) for x in data.get("not_after") or [])
    fills = {
        "num": rf"(?P<num>{num_alt})",
        "digits": rf"(?P<num>\d{{1,3}})(?![.,:]\d)(?!\s*(?:{not_after})(?![\w]))",
        "ordinal": rf"(?P<ord>\d{{1,3}}\s?(?:{suffix_alt})|{_alternation(ordinals)})",
        "decade": rf"(?P<decade>{_alternation(decades)})",
        "year": _YEAR,
        "month": rf"(?:{_alternation(data.get('months') or [])})",
        "season": rf"(?:{_alternation(data.get('seasons') or [])})",
    }
    return {
        "ordinal_suffix_re": re.compile(rf"^(\d{{1,3}})\s?(?:{suffix_alt})$"),
        "decades": decades,
        "decade_parts": _int_values(data.get("decade_parts")),
        "age_res": tuple(_compile(t, fills) for t in data.get("age_patterns") or []),
        "age_weak_res": tuple(_compile(t, fills) for t in data.get("age_patterns_weak") or []),
        "year_res": tuple(_compile(t, fills) for t in data.get("year_patterns") or []),
        "leading_number": bool(data.get("leading_number", True)),
    }


def _feeling_words(feel: dict[str, Any], cardinals: dict[str, int]) -> dict[str, Any]:
    """Feelings as "feeling: -2", "minus 4" and as words ("very hard", "great")."""
    sign_words = _int_values(feel.get("sign_words"))
    small = rf"\d{{1,2}}(?:[.,]\d)?|{_alternation(k for k, v in cardinals.items() if v <= 10)}"
    phrases = _int_values(feel.get("phrases"))
    mods = list(feel.get("intensifiers") or []) + list(feel.get("softeners") or [])
    return {
        "feeling_keyword_re": re.compile(
            rf"(?<![\w])(?:{_alternation(feel.get('keywords') or [])})\s*(?:of|was|is|van|:|=)?\s*"
            rf"(?:(?P<sign>[+-])\s?|(?P<sw>{_alternation(sign_words)})\s+)?(?P<n>{small})(?![\w]|[.,]\d)"),
        "feeling_signword_re": re.compile(
            rf"(?<![\w])(?P<sw>{_alternation(sign_words)})\s*(?P<n>{small})(?![\w]|[.,]\d)"),
        "sign_words": sign_words,
        "phrase_re": re.compile(
            rf"(?<![\w-])(?:(?P<lead>{_alternation(feel.get('lead_ins') or [])})\s+)?"
            rf"(?:(?P<mod>{_alternation(mods)})\s+)?(?P<phrase>{_alternation(phrases)})(?![\w-])"),
        "phrases": phrases,
        "intensifiers": _keys(feel.get("intensifiers")),
        "softeners": _keys(feel.get("softeners")),
    }


def _label_words(data: dict[str, Any]) -> dict[str, Any]:
    """What is cut from the edges of a label, dropped as a whole part, or means "born"."""
    return {
        "label_trim": _tokens(data.get("label_trim") or []),
        "label_drop": _keys(data.get("label_drop")),
        "birth_words": _keys(data.get("birth_words")),
    }


_SEP = r"[\s,.!]*"


def _verb_patterns(verbs: list[str], idx: str, tail: str) -> tuple[re.Pattern[str], ...]:
    """"delete 2", and for two-word verbs both "pas 2 aan" and "pas aan 2"."""
    out = []
    for verb in verbs:
        words = _key(verb).split()
        if len(words) == 1:
            out.append(rf"^{_SEP}{re.escape(words[0])}\s+{idx}{tail}")
        else:
            head, particle = re.escape(words[0]), r"\s+".join(re.escape(w) for w in words[1:])
            out.append(rf"^{_SEP}{head}\s+{idx}\s+{particle}(?![\w]){tail}")
            out.append(rf"^{_SEP}{head}\s+{particle}\s+{idx}{tail}")
    return tuple(re.compile(p) for p in out)


def _command_words(cmd: dict[str, Any], cardinals: dict[str, int], ordinals: dict[str, int]) -> dict[str, Any]:
    """Commands: single words ("done"), "delete 2", "change 2: …" and corrections ("no, it was …")."""
    index_alt = (rf"\d{{1,2}}|{_alternation(ordinals)}|{_alternation(k for k, v in cardinals.items() if 1 <= v <= 30)}"
                 rf"|{_alternation(cmd.get('last_words') or [])}")
    point_words = _alternation(cmd.get("point_words") or [])
    idx = rf"(?:(?:{point_words})\s+)*(?P<idx>{index_alt})(?:\s+(?:{_alternation(cmd.get('point_after') or [])}))?"
    return {
        "commands": {k: _keys(cmd.get(k)) for k in ("done", "show", "undo", "yes", "help")},
        "fillers": _tokens(cmd.get("fillers") or []),
        "delete_re": _verb_patterns(list(cmd.get("delete_verbs") or []), idx, rf"{_SEP}$"),
        "change_re": _verb_patterns(list(cmd.get("change_verbs") or []), idx,
                                    r"(?:\s+(?:aan|to|into|naar|in))?\s*(?:[:,=]|-(?!\d)|\s|$)\s*(?P<rest>.*)$"),
        "correction_re": re.compile(rf"^{_SEP}(?P<start>{_alternation(cmd.get('correction_starts') or [])})"
                                    rf"(?![\w'])[\s,.!:;-]*(?P<rest>.*)$"),
        "last_words": _keys(cmd.get("last_words")),
        "delete_verbs": _keys(cmd.get("delete_verbs")),
        "change_verbs": _keys(cmd.get("change_verbs")),
    }


@cache
def _words(lang: str) -> _Words:
    data: dict[str, Any] = section(check_language(lang), "lifeline")["parsing"]
    cardinals, ordinals = _numbers(data.get("numbers") or {})
    return _Words(
        cardinals=cardinals,
        ordinals=ordinals,
        **_time_words(data, cardinals, ordinals),
        **_feeling_words(data.get("feeling") or {}, cardinals),
        **_label_words(data),
        **_command_words(data.get("commands") or {}, cardinals, ordinals),
    )


def _number(words: _Words, s: str) -> int | None:
    s = _key(s)
    if s.isdigit():
        return int(s)
    return words.cardinals.get(s)


def _small_number(words: _Words, s: str) -> float | None:
    s = _key(s)
    if re.fullmatch(r"\d{1,2}(?:[.,]\d)?", s):
        return float(s.replace(",", "."))
    v = words.cardinals.get(s)
    return None if v is None else float(v)


def _ordinal(words: _Words, s: str) -> int | None:
    s = _key(s)
    m = words.ordinal_suffix_re.match(s)
    if m:
        return int(m.group(1))
    return words.ordinals.get(s)


# --------------------------------------------------------------------------------------------
# Reading one point

class _Text:
    """The typed text, its folded twin, and which characters have been used up."""

    def __init__(self, text: str) -> None:
        self.orig = unicodedata.normalize("NFC", text or "").strip()
        self.work = fold(self.orig)

    def take(self, start: int, end: int) -> None:
        self.work = self.work[:start] + MASK * (end - start) + self.work[end:]

    def label(self, words: _Words) -> str:
        kept = "".join(MASK if self.work[i] == MASK else c for i, c in enumerate(self.orig))
        parts = re.split(r"\x00+|[,;:|()\[\]{}]|\s+-+\s*|\s*-+\s+|^\s*-+|-+\s*$", kept)
        out = []
        for part in parts:
            cleaned = _trim_label(part or "", words)
            if cleaned and re.search(r"[^\W\d_]", cleaned) and _key(cleaned) not in words.label_drop:
                out.append(cleaned)
        label = ", ".join(out)
        if len(label) > LABEL_MAX:
            label = label[:LABEL_MAX - 1].rstrip() + "…"
        return label


_EDGE = " \t\n.!?\"'*_-–—…"


def _trim_label(part: str, words: _Words) -> str:
    tokens = part.strip(_EDGE).split()
    changed = True
    while tokens and changed:
        changed = False
        for trim in words.label_trim:
            n = len(trim)
            if len(tokens) >= n and tuple(_key(t.strip(_EDGE)) for t in tokens[:n]) == trim:
                tokens = tokens[n:]
                changed = True
                break
            if len(tokens) >= n and tuple(_key(t.strip(_EDGE)) for t in tokens[-n:]) == trim:
                tokens = tokens[:-n]
                changed = True
                break
    return " ".join(tokens).strip(_EDGE)


def _feeling_numbers(t: _Text, words: _Words) -> list[float]:
    found: list[tuple[int, float]] = []

    def collect(pattern: re.Pattern[str], sign_of) -> None:
        for m in list(pattern.finditer(t.work)):
            n = _small_number(words, m.group("n"))
            if n is None or n > 10:
                continue
            found.append((m.start(), sign_of(m) * n))
            t.take(m.start(), m.end())

    def keyword_sign(m: re.Match[str]) -> int:
        if m.group("sw"):
            return words.sign_words.get(_key(m.group("sw")), 1)
        return -1 if m.group("sign") == "-" else 1

    collect(words.feeling_keyword_re, keyword_sign)
    collect(words.feeling_signword_re, lambda m: words.sign_words.get(_key(m.group("sw")), 1))
    collect(_SIGN_RE, lambda m: -1 if m.group("sign") == "-" else 1)
    found.sort()
    return [v for _, v in found]


def _age_from(m: re.Match[str], words: _Words) -> int | None:
    groups = m.groupdict()
    if groups.get("num"):
        return _number(words, groups["num"])
    if groups.get("ord"):
        return _ordinal(words, groups["ord"])
    if groups.get("decade"):
        base = words.decades.get(_key(groups["decade"]))
        if base is None:
            return None
        part = groups.get("part")
        offset = words.decade_parts.get(_key(part), 5) if part else words.decade_parts.get("default", 5)
        return base + offset
    return None


def _first_age(t: _Text, patterns: Iterable[re.Pattern[str]], words: _Words) -> int | None:
    for pattern in patterns:
        for m in pattern.finditer(t.work):
            age = _age_from(m, words)
            if age is not None and 0 <= age <= AGE_MAX:
                t.take(m.start(), m.end())
                return age
    return None


def _first_year(t: _Text, words: _Words) -> int | None:
    for pattern in words.year_res:
        for m in pattern.finditer(t.work):
            year = int(m.group("year"))
            if YEAR_MIN <= year <= YEAR_MAX:
                t.take(m.start(), m.end())
                return year
    return None


_LEADING = re.compile(r"^[\s(\[]*(?P<n>\d{1,3})\s*(?:[:,)\]]|-(?!\d)|\.(?!\d))")
_TRAILING = re.compile(r"(?<![\w.,/+\-])(?P<n>\d)(?:[.,]0)?[\s\x00.!)\]]*$")
_SEPARATORS = set(",;:.!?()[]{}-|" + MASK)


def _is_clause(work: str, start: int, end: int) -> bool:
    before = work[:start].rstrip()
    after = work[end:].lstrip()
    left = not before or before[-1] in _SEPARATORS
    right = not after or after[0] in _SEPARATORS
    return left and right


def _phrase_value(m: re.Match[str], words: _Words) -> int:
    base = words.phrases[_key(m.group("phrase"))]
    mod = _key(m.group("mod") or "")
    if base and mod in words.intensifiers:
        base += 1 if base > 0 else -1
    elif base and mod in words.softeners:
        base += -1 if base > 0 else 1
        if base == 0:
            base = 1 if words.phrases[_key(m.group("phrase"))] > 0 else -1
    return max(FEELING_MIN, min(FEELING_MAX, base))


def _feeling_phrases(t: _Text, words: _Words, anywhere: bool = False) -> list[int]:
    values: list[int] = []
    for m in list(words.phrase_re.finditer(t.work)):
        if anywhere or m.group("lead") or _is_clause(t.work, m.start(), m.end()):
            values.append(_phrase_value(m, words))
            t.take(m.start(), m.end())
    return values


def _parse_in(text: str, lang: str) -> ParsedPoint | None:
    words = _words(lang)
    t = _Text(text)
    if not t.orig:
        return None
    numbers = _feeling_numbers(t, words)
    age = _first_age(t, words.age_res, words)
    year = _first_year(t, words)
    if age is None:
        age = _first_age(t, words.age_weak_res, words)
    if age is None and year is None and words.leading_number:
        m = _LEADING.match(t.work)
        if m and int(m.group("n")) <= AGE_MAX:
            age = int(m.group("n"))
            t.take(m.start("n"), m.end("n"))
    if not numbers and (age is not None or year is not None):
        m = _TRAILING.search(t.work)
        if m and int(m.group("n")) <= FEELING_MAX:
            numbers.append(float(m.group("n")))
            t.take(m.start(), m.end())
    phrase_values = _feeling_phrases(t, words)
    feeling: int | None = None
    if numbers:
        feeling = _clamp_feeling(numbers[-1])
    elif phrase_values:
        feeling = _clamp_feeling(statistics.mean(phrase_values))
    label = t.label(words)
    if age is None and year is None and feeling is None and not label:
        return None
    said = ("both" if age is not None and year is not None else "age" if age is not None
            else "year" if year is not None else None)
    return ParsedPoint(age=age, year=year, label=label, feeling=feeling, said=said)


def _found(p: ParsedPoint | None) -> int:
    return 0 if p is None else int(p.has_when) + int(p.feeling is not None)


def _other_languages(lang: str) -> list[str]:
    return [x for x in SUPPORTED_LANGUAGES if x != lang]


def _get(point: Any, name: str) -> Any:
    """A field of a point: a dict (a stored result) or an object (ParsedPoint, the conversation's Point)."""
    return point.get(name) if isinstance(point, dict) else getattr(point, name)


def _put(point: Any, name: str, value: Any) -> None:
    if isinstance(point, dict):
        point[name] = value
    else:
        setattr(point, name, value)


def missing_fields(point: Any) -> list[str]:
    out = []
    if _get(point, "age") is None and _get(point, "year") is None:
        out.append(WHEN)
    if not (_get(point, "label") or "").strip():
        out.append(LABEL)
    if _get(point, "feeling") is None:
        out.append(FEELING)
    return out


def parse_point(text: str, lang: str, *, birth_year: int | None = None) -> ParsedPoint | None:
    """One high or low point from free text; None when nothing in it could be read at all.

    With *birth_year*, a year also gets the age and an age the year (``said`` keeps which was given).
    """
    result = _parse_in(text, check_language(lang))
    if _found(result) < 2:
        for other in _other_languages(lang):
            alt = _parse_in(text, other)
            if _found(alt) > _found(result):
                result = alt
    if result is None:
        return None
    if birth_year is not None:
        fill_when_fields(result, birth_year)
    result.missing = missing_fields(result)
    return result


def fill_when_fields(point: Any, birth_year: int | None) -> Any:
    """Fill the age from the year or the year from the age, given a birth year."""
    if birth_year is None:
        return point
    age, year = _get(point, "age"), _get(point, "year")
    if age is None and year is not None and 0 <= year - birth_year <= AGE_MAX:
        _put(point, "age", year - birth_year)
    elif year is None and age is not None and YEAR_MIN <= birth_year + age <= YEAR_MAX:
        _put(point, "year", birth_year + age)
    return point


# --------------------------------------------------------------------------------------------
# Single answers

def parse_when(text: str, lang: str, *, birth_year: int | None = None) -> tuple[int | None, int | None] | None:
    """(age, year) from an answer to "when was that?"; a bare "12" is an age, "1998" a year."""
    p = parse_point(text, lang, birth_year=birth_year)
    if p is not None and p.has_when:
        return p.age, p.year
    for language in [lang, *_other_languages(lang)]:
        value = _bare_number(text, _words(language))
        if value is None:
            continue
        if YEAR_MIN <= value <= YEAR_MAX:
            age = value - birth_year if birth_year is not None and 0 <= value - birth_year <= AGE_MAX else None
            return age, value
        if 0 <= value <= AGE_MAX:
            year = birth_year + value if birth_year is not None else None
            return value, year
    return None


def _bare_number(text: str, words: _Words) -> int | None:
    """The one number in *text* ("12", "1998"), else the first number word, longest match first."""
    folded = one_line(fold(text)).strip(" .!?")
    numbers = re.findall(r"(?<![\d+\-])\d{1,4}(?!\d)", folded)
    if len(numbers) == 1:
        return int(numbers[0])
    core = re.sub(r"[^\w\s'-]", " ", folded).split()
    for i in range(len(core)):
        for j in range(len(core), i, -1):
            n = words.cardinals.get(" ".join(core[i:j]))
            if n is not None:
                return n
    return None


def parse_feeling(text: str, lang: str) -> int | None:
    """A feeling -5..+5 from an answer to "how did it feel?": "-3", "3" (= +3), "min drie", "very hard"."""
    p = parse_point(text, lang)
    if p is not None and p.feeling is not None:
        return p.feeling
    for language in [lang, *_other_languages(lang)]:
        words = _words(language)
        t = _Text(text)
        m = re.fullmatch(r"[\s(\[]*(?P<sign>[+-]?)\s?(?P<n>\d{1,2}(?:[.,]\d)?)[\s)\].!]*", t.work)
        if m:
            n = float(m.group("n").replace(",", "."))
            if n <= 10:
                return _clamp_feeling(-n if m.group("sign") == "-" else n)
        n2 = _number(words, t.work.strip(" .!"))
        if n2 is not None and n2 <= 10:
            return _clamp_feeling(n2)
        values = _feeling_phrases(t, words, anywhere=True)
        if values:
            return _clamp_feeling(statistics.mean(values))
    return None


def parse_birth_year(text: str, lang: str) -> int | None:
    m = re.search(_YEAR, fold(text or ""))
    return int(m.group("year")) if m else None


def is_birth(label: str, lang: str) -> bool:
    """Whether a point's words are only "born" / "geboren" (its year then tells the birth year)."""
    k = _key(label).strip(_EDGE)
    return any(k in _words(x).birth_words for x in [lang, *_other_languages(lang)])


# --------------------------------------------------------------------------------------------
# Commands

def _clean_command(text: str) -> str:
    return one_line(re.sub(r"[^\w\s'+-]", " ", fold(text or ""))).strip(" '")


def _strip_fillers(s: str, words: _Words) -> str:
    tokens = s.split()
    changed = True
    while tokens and changed:
        changed = False
        for f in words.fillers:
            n = len(f)
            if len(tokens) > n and tuple(tokens[:n]) == f:
                tokens, changed = tokens[n:], True
            elif len(tokens) > n and tuple(tokens[-n:]) == f:
                tokens, changed = tokens[:-n], True
    return " ".join(tokens)


def _index(words: _Words, s: str) -> int | None:
    s = _key(s)
    if s in words.last_words:
        return LAST
    if s.isdigit():
        return int(s)
    return words.ordinals.get(s) or words.cardinals.get(s)


def _command_in(text: str, lang: str) -> Command | None:
    words = _words(lang)
    t = _Text(text)
    if not t.orig:
        return None
    cleaned = _clean_command(text)
    if cleaned in words.delete_verbs:
        return Command("delete")
    if cleaned in words.change_verbs:
        return Command("change")
    for candidate in dict.fromkeys([cleaned, _strip_fillers(cleaned, words)]):
        for kind in ("done", "show", "undo", "help", "yes"):
            if candidate in words.commands[kind]:
                return Command(kind)
    for pattern in words.delete_re:
        m = pattern.match(t.work)
        if m:
            return Command("delete", _index(words, m.group("idx")))
    for pattern in words.change_re:
        m = pattern.match(t.work)
        if m:
            return Command("change", _index(words, m.group("idx")), t.orig[m.start("rest"):].strip())
    m = words.correction_re.match(t.work)
    if m:
        rest = t.orig[m.start("rest"):].strip()
        inner = parse_command(rest, lang) if rest else None
        if inner is not None and inner.kind in ("done", "show", "help"):
            return inner
        if inner is not None and inner.kind == "change":
            return inner
        return Command("change", LAST, rest)
    return None


def parse_command(text: str, lang: str) -> Command | None:
    """"done", "show", "undo", "delete 3", "change 2: …", "no, it was -2", "that's right", "help"."""
    check_language(lang)
    for language in [lang, *_other_languages(lang)]:
        c = _command_in(text, language)
        if c is not None:
            return c
    return None


# --------------------------------------------------------------------------------------------
# Time order

def infer_birth_year(points: Iterable[Any]) -> int | None:
    """The birth year told by points that have both an age and a year (their median), else None."""
    guesses = [_get(p, "year") - _get(p, "age") for p in points
               if _get(p, "age") is not None and _get(p, "year") is not None]
    return int(statistics.median_low(guesses)) if guesses else None


def time_key(point: Any, birth_year: int | None) -> tuple[int, float]:
    """Sort key. With a birth year, every time is a year (age + birth year). Without one, ages come
    first in age order, then years in year order (an age and a year cannot be compared); points with
    no time at all come last. Equal keys keep the order they were given in."""
    age, year = _get(point, "age"), _get(point, "year")
    if year is not None and (age is None or birth_year is None):
        return (0, float(year)) if birth_year is not None else (1, float(year))
    if age is not None:
        return (0, float(birth_year + age)) if birth_year is not None else (0, float(age))
    return (2, 0.0)


def sort_points(points: Iterable[Any], birth_year: int | None = None) -> list[Any]:
    """*points* in time order (stable); see :func:`time_key`. The birth year, when not given, is
    inferred from points that have both an age and a year."""
    pts = list(points)
    if birth_year is None:
        birth_year = infer_birth_year(pts)
    return sorted(pts, key=lambda p: time_key(p, birth_year))


# --------------------------------------------------------------------------------------------
# Saying a point back

def texts(lang: str) -> dict[str, Any]:
    return section(check_language(lang), "lifeline")


def format_feeling(value: int | None) -> str:
    """"−3" (a real minus sign), "+4", "0"; "" when open."""
    if value is None:
        return ""
    return f"\u2212{abs(value)}" if value < 0 else f"+{value}" if value > 0 else "0"


def format_when(point: Any, lang: str) -> str:
    t = texts(lang)
    age, year, said = _get(point, "age"), _get(point, "year"), _get(point, "said")
    if age is not None and year is not None and said == "both":
        return t["when_both"].format(age=age, year=year)
    if year is not None and (said == "year" or age is None):
        return t["when_year"].format(year=year)
    if age is not None:
        return t["when_age"].format(age=age)
    return t["when_unknown"]


def format_label(point: Any, lang: str) -> str:
    return (_get(point, "label") or "").strip() or texts(lang)["no_label"]


def count_phrase(count: int, lang: str) -> str:
    forms = texts(lang)["moments"]
    key = "zero" if count == 0 else "one" if count == 1 else "other"
    return forms[key].format(count=count)
