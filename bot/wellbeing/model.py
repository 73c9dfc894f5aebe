"""The four dimensions of the existential well-being model, and the plain data of one check-in.

The dimensions and their values are content: ``bot/content/<lang>/dimensions.yml``. The dimension
ids and value ids are the same in every language (checked when a language is loaded), so a stored
check-in (``DimensionAnswer.values`` holds value ids) reads the same in English and Dutch.

A check-in asks per dimension how much time, energy and attention the person gives it lately
(*investment*, 0..10), how much it gives back (*fulfilment*, 0..10), which values matter there, and
an optional free-text reflection. Every part may be skipped (``None``), and so may a whole dimension.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.config import SUPPORTED_LANGUAGES
from bot.content import check_language, section

DIMENSIONS: tuple[str, ...] = ("physical", "social", "psychological", "spiritual")
LANGUAGES: tuple[str, ...] = SUPPORTED_LANGUAGES
SCALE_MIN, SCALE_MAX = 0, 10


class UnknownDimension(ValueError):
    pass


@dataclass(frozen=True)
class Value:
    id: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dimension:
    id: str
    lang: str
    name: str                  # short title: "Relationships"
    area: str                  # inside a sentence: "your relationships"
    short: str
    description: str
    too_little: str
    too_much: str
    values: tuple[Value, ...]
    prototypes: tuple[str, ...] = ()   # example sentences for the English reflection mapping
    lexicon: tuple[str, ...] = ()      # words and stems for the lexicon reflection mapping

    def value(self, value_id: str) -> Value:
        for v in self.values:
            if v.id == value_id:
                return v
        raise KeyError(f"dimension {self.id!r} has no value {value_id!r}")


def check_dimension(dimension_id: str) -> str:
    if dimension_id not in DIMENSIONS:
        raise UnknownDimension(f"unknown dimension {dimension_id!r}; use one of {', '.join(DIMENSIONS)}")
    return dimension_id


def _strings(items: Any) -> tuple[str, ...]:
    return tuple(str(x) for x in (items or ()))


@cache
def _load(lang: str) -> dict[str, Dimension]:
    data = section(check_language(lang), "dimensions")
    raw = data.get("dimensions") or {}
    if tuple(raw) != DIMENSIONS:
        raise ValueError(f"{lang}/dimensions.yml must list exactly {DIMENSIONS} in that order, found {tuple(raw)}")
    out = {}
    for dim_id, spec in raw.items():
        values = tuple(
            Value(value_id, str(v["label"]), _strings(v.get("aliases")))
            for value_id, v in (spec.get("values") or {}).items()
        )
        if not values:
            raise ValueError(f"{lang}/dimensions.yml: {dim_id} has no values")
        out[dim_id] = Dimension(
            id=dim_id, lang=lang, name=spec["name"], area=spec["area"], short=spec["short"],
            description=spec["description"].strip(), too_little=spec["too_little"].strip(),
            too_much=spec["too_much"].strip(), values=values,
            prototypes=_strings(spec.get("prototypes")), lexicon=_strings(spec.get("lexicon")),
        )
    return out


def _check_ids_match() -> None:
    """Value ids must be stable across languages: a stored check-in holds ids, not labels."""
    reference = {d: tuple(v.id for v in dim.values) for d, dim in _load(LANGUAGES[0]).items()}
    for lang in LANGUAGES[1:]:
        ids = {d: tuple(v.id for v in dim.values) for d, dim in _load(lang).items()}
        if ids != reference:
            raise ValueError(f"value ids in {lang}/dimensions.yml differ from {LANGUAGES[0]}: {ids} vs {reference}")


@cache
def _checked() -> bool:
    _check_ids_match()
    return True


def dimension(dimension_id: str, lang: str) -> Dimension:
    """The dimension *dimension_id* with its texts in *lang*."""
    _checked()
    return _load(lang)[check_dimension(dimension_id)]


def dimensions(lang: str) -> tuple[Dimension, ...]:
    return tuple(dimension(d, lang) for d in DIMENSIONS)


def values_for(dimension_id: str, lang: str) -> tuple[Value, ...]:
    """The values people name in this dimension, in a stable order, with labels in *lang*."""
    return dimension(dimension_id, lang).values


def value_ids(dimension_id: str) -> tuple[str, ...]:
    return tuple(v.id for v in values_for(dimension_id, LANGUAGES[0]))


def value_label(value_id: str, lang: str, dimension_id: str | None = None) -> str:
    """The label of a value id (searching all dimensions unless *dimension_id* is given)."""
    for dim in ([dimension(dimension_id, lang)] if dimension_id else dimensions(lang)):
        for v in dim.values:
            if v.id == value_id:
                return v.label
    raise KeyError(f"unknown value {value_id!r}")


# --------------------------------------------------------------------------------------------
# The data of one check-in. Plain dataclasses: storing them is someone else's job.


def _check_rating(name: str, value: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not SCALE_MIN <= value <= SCALE_MAX:
        raise ValueError(f"{name} must be an int from {SCALE_MIN} to {SCALE_MAX} or None, got {value!r}")


@dataclass(frozen=True)
class DimensionAnswer:
    """What the person said about one dimension. ``None`` anywhere means skipped."""

    dimension: str
    investment: int | None = None      # time, energy and attention given lately, 0..10
    fulfilment: int | None = None      # how much it gives back, 0..10
    values: tuple[str, ...] = ()       # value ids (see values_for)
    other_value: str | None = None     # anything named outside the listed values, in their words
    reflection: str | None = None      # optional free text

    def __post_init__(self) -> None:
        check_dimension(self.dimension)
        _check_rating("investment", self.investment)
        _check_rating("fulfilment", self.fulfilment)
        object.__setattr__(self, "values", tuple(self.values))
        known = set(value_ids(self.dimension))
        unknown = [v for v in self.values if v not in known]
        if unknown:
            raise ValueError(f"unknown value ids for {self.dimension}: {unknown}")

    @property
    def named_values(self) -> bool:
        """Whether the person named anything that matters to them here."""
        return bool(self.values) or bool(self.other_value and self.other_value.strip())

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension, "investment": self.investment, "fulfilment": self.fulfilment,
            "values": list(self.values), "other_value": self.other_value, "reflection": self.reflection,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DimensionAnswer:
        return cls(
            dimension=data["dimension"], investment=data.get("investment"),
            fulfilment=data.get("fulfilment"), values=tuple(data.get("values") or ()),
            other_value=data.get("other_value"), reflection=data.get("reflection"),
        )


@dataclass(frozen=True)
class CheckIn:
    """One check-in. A dimension that is missing from ``answers`` or maps to None was skipped."""

    answers: dict[str, DimensionAnswer | None] = field(default_factory=dict)
    taken_at: datetime = field(default_factory=datetime.now)

    def __post_init__(self) -> None:
        for key, answer in self.answers.items():
            check_dimension(key)
            if answer is not None and answer.dimension != key:
                raise ValueError(f"answer for {answer.dimension!r} filed under {key!r}")

    def answer(self, dimension_id: str) -> DimensionAnswer | None:
        return self.answers.get(check_dimension(dimension_id))

    def investment(self, dimension_id: str) -> int | None:
        a = self.answer(dimension_id)
        return a.investment if a else None

    def fulfilment(self, dimension_id: str) -> int | None:
        a = self.answer(dimension_id)
        return a.fulfilment if a else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "taken_at": self.taken_at.isoformat(),
            "answers": {d: (a.to_dict() if a else None) for d, a in self.answers.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckIn:
        answers = {d: (DimensionAnswer.from_dict(a) if a else None) for d, a in (data.get("answers") or {}).items()}
        return cls(answers=answers, taken_at=datetime.fromisoformat(data["taken_at"]))


# --------------------------------------------------------------------------------------------
# Thresholds: every number the check-in decides with lives in thresholds.yml next to this file.

THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.yml"


@lru_cache(maxsize=8)
def _read_thresholds(path: str, mtime_ns: int) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def thresholds() -> dict[str, Any]:
    """The parsed ``thresholds.yml`` (re-read when the file changes; tests may point
    ``THRESHOLDS_PATH`` at another file)."""
    path = Path(THRESHOLDS_PATH)
    return _read_thresholds(str(path), path.stat().st_mtime_ns)
