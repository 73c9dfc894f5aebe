"""Reading the person's typed answers, and the texts the dialogue says around them.

* :func:`parse_rating` reads "7", "7/10", "seven out of ten", "zeven", "quite a bit", "bijna
  niets", "skip", "pauze" ... into a :class:`Rating`: a value 0..10, SKIP, PAUSE or
  NOT_UNDERSTOOD (with ``hint="unsure"`` for "I don't know").
* :func:`parse_values` reads "health and beauty", "gezondheid, schoonheid", "1 and 3" into value
  ids of one dimension; anything else the person names becomes ``other_value``, in their words.
* :func:`question`, :func:`transition`, :func:`between_text` give the dialogue its texts.

All words and phrases live in ``bot/content/<lang>/checkin.yml`` (``ratings``, ``values_parsing``)
and value labels and aliases in ``dimensions.yml``; none are Python literals.

Rating rules, in order:
1. A message without digits that is (nearly) only a pause or skip phrase is PAUSE or SKIP: "can
   we pause for now" pauses, while "I can't stop working" or "don't stop" do not (``command_*``
   in checkin.yml), and "skip this one" is not read as the number one.
2. Digits win: a fraction ("7/10", "7 out of 10", "3 op 5") is scaled to 0..10, a percentage is
   divided by ten, a range ("6-7", "6 or 7", "zes of zeven") becomes its middle. Number words are
   turned into digits first, so "seven out of ten" reads like "7 out of 10". Readings more than 2
   apart, or a number above 10, are not understood.
3. Otherwise phrases ("a lot", "heel veel"); the longest phrase wins where phrases overlap, and
   several phrases are averaged ("not much, but some" -> 3).
4. Otherwise "I don't know" words give NOT_UNDERSTOOD with hint "unsure"; anything else plain
   NOT_UNDERSTOOD. ("I don't know" parts are set aside before 2 and 3, so "no idea, maybe 5"
   reads 5 and "weet ik niet" never feeds a phrase with "niet" in it.)
A message the session's language does not understand is tried in the other language too (people
mix), and half values round up (6.5 -> 7).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from bot.content import check_language, section
from bot.text import normalise, one_line, phrase_regex, strip_accents

from .model import LANGUAGES, DimensionAnswer, check_dimension, dimension, thresholds


class Kind(StrEnum):
    VALUE = "value"
    SKIP = "skip"
    PAUSE = "pause"
    NOT_UNDERSTOOD = "not_understood"


@dataclass(frozen=True)
class Rating:
    kind: Kind
    value: int | None = None
    hint: str | None = None          # "unsure" when the person said they don't know

    @property
    def is_value(self) -> bool:
        return self.kind is Kind.VALUE


SKIP = Rating(Kind.SKIP)
PAUSE = Rating(Kind.PAUSE)
NOT_UNDERSTOOD = Rating(Kind.NOT_UNDERSTOOD)
UNSURE = Rating(Kind.NOT_UNDERSTOOD, hint="unsure")


@dataclass(frozen=True)
class ValueChoice:
    kind: Kind
    values: tuple[str, ...] = ()     # value ids, in the order the person named them
    other_value: str | None = None   # what they named outside the list, in their own words


# --------------------------------------------------------------------------------------------
# Ratings

@dataclass(frozen=True)
class _RatingWords:
    phrases: dict[str, int]
    phrase_re: re.Pattern[str] | None
    numbers: dict[str, int]
    accented_numbers: tuple[tuple[re.Pattern[str], str], ...]
    number_re: re.Pattern[str] | None
    standalone: dict[str, int]
    fraction_re: re.Pattern[str]
    range_re: re.Pattern[str]
    skip_re: re.Pattern[str] | None
    pause_re: re.Pattern[str] | None
    unsure_re: re.Pattern[str] | None
    command_filler_re: re.Pattern[str] | None
    command_blocker_re: re.Pattern[str] | None
    command_max_extra_words: int


_NUM = r"(\d+(?:[.,]\d+)?)"


def _joined(words: list[str]) -> str:
    parts = []
    for w in sorted(words, key=len, reverse=True):
        w = w.strip().lower()
        if not w:
            continue
        if re.fullmatch(r"[a-z ]+", w):
            parts.append(r"\s+".join(re.escape(x) for x in w.split()))
        else:
            parts.append(re.escape(w))
    return "|".join(parts)


@cache
def _rating_words(lang: str) -> _RatingWords:
    data: dict[str, Any] = section(check_language(lang), "checkin")["ratings"]
    phrases = {normalise(k): int(v) for k, v in (data.get("phrases") or {}).items()}
    numbers_raw = {str(k).lower(): int(v) for k, v in (data.get("numbers") or {}).items()}
    accented = tuple(
        (re.compile(rf"(?<![\w]){re.escape(k)}(?![\w])"), str(v))
        for k, v in numbers_raw.items() if strip_accents(k) != k
    )
    numbers = {k: v for k, v in numbers_raw.items() if strip_accents(k) == k}
    out_of = _joined(list(data.get("out_of") or []))
    ranges = _joined(list(data.get("range") or []))
    return _RatingWords(
        phrases=phrases,
        phrase_re=phrase_regex(list(phrases)),
        numbers=numbers,
        accented_numbers=accented,
        number_re=phrase_regex(list(numbers)),
        standalone={normalise(str(k)): int(v) for k, v in (data.get("standalone_numbers") or {}).items()},
        fraction_re=re.compile(rf"{_NUM}\s*(?:{out_of})\s*{_NUM}"),
        range_re=re.compile(rf"{_NUM}\s*(?:{ranges})\s*{_NUM}"),
        skip_re=phrase_regex(list(data.get("skip") or [])),
        pause_re=phrase_regex(list(data.get("pause") or [])),
        unsure_re=phrase_regex(list(data.get("unsure") or [])),
        command_filler_re=phrase_regex(list(data.get("command_fillers") or [])),
        command_blocker_re=phrase_regex(list(data.get("command_blockers") or [])),
        command_max_extra_words=int(data.get("command_max_extra_words", 1)),
    )


def _to_float(s: str) -> float:
    return float(s.replace(",", "."))


def _round(x: float) -> int:
    return math.floor(x + 0.5)


def _digit_readings(t: str, words: _RatingWords) -> list[float] | None:
    """Readings from numbers in *t*; None when a number cannot be a rating (e.g. 12)."""
    readings: list[float] = []

    def fraction(m: re.Match[str]) -> str:
        num, den = _to_float(m.group(1)), _to_float(m.group(2))
        readings.append(num / den * 10 if 0 < den and 0 <= num <= den else -1.0)
        return " "

    t = words.fraction_re.sub(fraction, t)
    t = re.sub(rf"{_NUM}\s*(?:%|percent|procent)", lambda m: readings.append(_to_float(m.group(1)) / 10) or " ", t)

    def span(m: re.Match[str]) -> str:
        readings.append((_to_float(m.group(1)) + _to_float(m.group(2))) / 2)
        return " "

    t = words.range_re.sub(span, t)
    readings.extend(_to_float(m.group(1)) for m in re.finditer(_NUM, t))
    if any(r < 0 or r > 10 for r in readings):
        return None
    return readings


def _combine(readings: list[float]) -> Rating:
    if max(readings) - min(readings) > 2:
        return NOT_UNDERSTOOD
    return Rating(Kind.VALUE, max(0, min(10, _round(sum(readings) / len(readings)))))


def _parse_in(text: str, lang: str) -> Rating:
    words = _rating_words(lang)
    low = unicodedata.normalize("NFKC", text or "").lower()
    for pattern, digit in words.accented_numbers:
        low = pattern.sub(digit, low)
    t = normalise(low)
    if not t:
        return NOT_UNDERSTOOD
    if t in words.standalone:
        return Rating(Kind.VALUE, words.standalone[t])
    # A message that is (nearly) only "pause" or "skip" is a command, unless it holds digits.
    if not re.search(r"\d", t):
        if _is_command(t, words.pause_re, words):
            return PAUSE
        if _is_command(t, words.skip_re, words):
            return SKIP

    # "I don't know" parts are set aside first, so "geen idee" or "weet niet" never read as amounts.
    unsure = bool(words.unsure_re and words.unsure_re.search(t))
    rest = words.unsure_re.sub(" ", t) if unsure else t

    phrase_values: list[float] = []
    if words.phrase_re:
        phrase_values = [float(words.phrases[one_line(m.group(0))]) for m in words.phrase_re.finditer(rest)]
        rest = words.phrase_re.sub(" ", rest)
    if words.number_re:
        rest = words.number_re.sub(lambda m: str(words.numbers[m.group(0)]), rest)

    digits = _digit_readings(rest, words)
    if digits is None:
        return NOT_UNDERSTOOD
    if digits:
        return _combine(digits)
    if phrase_values:
        return _combine(phrase_values)

    return UNSURE if unsure else NOT_UNDERSTOOD


def _is_command(t: str, pattern: re.Pattern[str] | None, words: _RatingWords) -> bool:
    """Whether normalised *t* is (nearly) only a skip or pause phrase: "can we pause for now"."""
    if not pattern or not pattern.search(t):
        return False
    rest = pattern.sub(" ", t)
    if words.command_filler_re:
        rest = words.command_filler_re.sub(" ", rest)
    if any(w.command_blocker_re and w.command_blocker_re.search(rest) for w in map(_rating_words, LANGUAGES)):
        return False   # "don't stop", "ik wil niet stoppen" (blockers of every language: people mix)
    return len(rest.split()) <= words.command_max_extra_words


def parse_rating(text: str, lang: str) -> Rating:
    """Read a 0..10 answer, a skip, a pause, or nothing understood, from free text."""
    result = _parse_in(text, check_language(lang))
    if result.kind is not Kind.NOT_UNDERSTOOD:
        return result
    for other in LANGUAGES:
        if other != lang:
            alt = _parse_in(text, other)
            if alt.kind is not Kind.NOT_UNDERSTOOD:
                return alt
    return result


def is_pause(text: str, lang: str) -> bool:
    """Whether a short message asks to pause (usable at any step, also reflections)."""
    return _is_command(normalise(text), _rating_words(check_language(lang)).pause_re, _rating_words(lang))


def is_skip(text: str, lang: str) -> bool:
    return _is_command(normalise(text), _rating_words(check_language(lang)).skip_re, _rating_words(lang))


# --------------------------------------------------------------------------------------------
# Values

@dataclass(frozen=True)
class _ValueWords:
    split_re: re.Pattern[str]
    filler_re: re.Pattern[str] | None
    none: frozenset[str]
    all: frozenset[str]


@cache
def _value_words(lang: str) -> _ValueWords:
    data = section(check_language(lang), "checkin")["values_parsing"]
    connectors = sorted(data.get("connectors") or [], key=len, reverse=True)
    split = "|".join(re.escape(c.lower()) if c.strip() else re.escape(c) for c in connectors)
    return _ValueWords(
        split_re=re.compile(split, re.IGNORECASE),
        filler_re=phrase_regex(list(data.get("fillers") or [])),
        none=frozenset(normalise(x) for x in data.get("none") or []),
        all=frozenset(normalise(x) for x in data.get("all") or []),
    )


@cache
def _value_matchers(dimension_id: str, lang: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, value id) for every label, id and alias, longest first."""
    names: list[tuple[str, str]] = []
    for v in dimension(dimension_id, lang).values:
        for name in (v.label, v.id, *v.aliases):
            n = normalise(name)
            if n:
                names.append((n, v.id))
    names.sort(key=lambda x: len(x[0]), reverse=True)
    return tuple((phrase_regex([n]), vid) for n, vid in names)  # type: ignore[misc]


def _clean_other(fragment: str) -> str:
    return fragment.strip(" \t\n.,;:!?\"'()")


def parse_values(text: str, dimension_id: str, lang: str) -> ValueChoice:
    """Which of the dimension's values the person named; anything else becomes ``other_value``."""
    check_dimension(dimension_id)
    words = _value_words(check_language(lang))
    t = normalise(text)
    if not t:
        return ValueChoice(Kind.NOT_UNDERSTOOD)
    value_list = dimension(dimension_id, lang).values
    core = one_line(words.filler_re.sub(" ", t)) if words.filler_re else t
    if t in words.all or core in words.all:
        return ValueChoice(Kind.VALUE, tuple(v.id for v in value_list))
    if t in words.none or core in words.none:
        return ValueChoice(Kind.VALUE)
    if is_pause(text, lang):
        return ValueChoice(Kind.PAUSE)

    found: list[str] = []
    others: list[str] = []
    matchers = _value_matchers(dimension_id, lang)
    for fragment in words.split_re.split(f" {text} "):
        frag = normalise(fragment)
        if not frag:
            continue
        if frag.isdigit():
            index = int(frag)
            if 1 <= index <= len(value_list):
                found.append(value_list[index - 1].id)
                continue
        hits: list[str] = []
        rest = frag
        for pattern, vid in matchers:
            if pattern.search(rest):
                hits.append(vid)
                rest = pattern.sub(" ", rest)
        if hits:
            found.extend(hits)
            continue
        core = words.filler_re.sub(" ", frag).strip() if words.filler_re else frag
        if core:
            others.append(_clean_other(fragment))
    values = tuple(dict.fromkeys(found))
    if not values and not others:
        return ValueChoice(Kind.SKIP) if is_skip(text, lang) else ValueChoice(Kind.NOT_UNDERSTOOD)
    if not values and is_skip(text, lang):
        return ValueChoice(Kind.SKIP)
    other = ", ".join(o for o in others if o) or None
    return ValueChoice(Kind.VALUE, values, other)


def join_list(items: list[str], lang: str, conjunction: str = "and") -> str:
    """"a", "a and b", "a, b and c" in *lang*."""
    word = section(check_language(lang), "checkin")["words"][conjunction]
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def value_phrase(answer: DimensionAnswer, lang: str) -> str:
    """The values the person named, as a phrase: "health and my garden"."""
    labels = [dimension(answer.dimension, lang).value(v).label for v in answer.values]
    if answer.other_value and answer.other_value.strip():
        labels.append(answer.other_value.strip())
    return join_list(labels, lang)


# --------------------------------------------------------------------------------------------
# Texts around the answers

STEPS = ("investment", "fulfilment", "values", "reflection")


def _sentence(s: str) -> str:
    s = one_line(s)
    return s[:1].upper() + s[1:] if s else s


def question(dimension_id: str, step: str, lang: str) -> str:
    """The question for one step (investment, fulfilment, values, reflection) of a dimension."""
    if step not in STEPS:
        raise ValueError(f"unknown step {step!r}; use one of {STEPS}")
    return one_line(section(check_language(lang), "checkin")["questions"][check_dimension(dimension_id)][step])


def transition(dimension_id: str, lang: str) -> str:
    """The short lead-in before a dimension's first question."""
    return section(check_language(lang), "checkin")["transitions"][check_dimension(dimension_id)]


def between_text(answer: DimensionAnswer | None, lang: str, with_values: bool = True) -> str:
    """A brief reflection after a dimension, built from what the person said."""
    texts = section(check_language(lang), "checkin")["between"]
    if answer is None or (answer.investment is None and answer.fulfilment is None):
        key = "skipped"
    elif answer.fulfilment is None:
        key = "investment_only"
    elif answer.investment is None:
        key = "fulfilment_only"
    else:
        bands = thresholds()["between"]
        high, low = int(bands["high"]), int(bands["low"])
        inv, ful = answer.investment, answer.fulfilment
        if inv >= high and ful >= high:
            key = "high_both"
        elif inv >= high and ful <= low:
            key = "high_low"
        elif inv <= low and ful >= high:
            key = "low_high"
        elif inv <= low and ful <= low:
            key = "low_both"
        else:
            key = "middle"
    area = dimension(answer.dimension, lang).area if answer else ""
    out = _sentence(texts[key].format(area=area, investment=getattr(answer, "investment", None),
                                      fulfilment=getattr(answer, "fulfilment", None)))
    if with_values and answer is not None and answer.named_values:
        out += " " + _sentence(texts["values"].format(values=value_phrase(answer, lang)))
    return out
