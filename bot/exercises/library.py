"""The exercise library: short practices per dimension, written in ``bot/content/<lang>/exercises.yml``.

Each exercise serves one main dimension (and maybe ``also`` others) and suits too little
(``under``) or too much (``over``) attention to it, or both. Focusing (``focusing``) is part of
the catalogue too; it runs through :mod:`bot.exercises.focusing` instead of the step-by-step
runner (``runner == "focusing"``).

The ids and everything that is not text (dimension, also, suits, minutes, values, runner) must be
the same in every language; :func:`check` verifies that, and runs the first time a language is
loaded, so a wrong file fails loudly instead of suggesting half a library.

Coaching tools (``runner == "coaching"``, :mod:`bot.exercises.coaching`) ask questions the person
answers: ``scales`` are the steps that ask for a number from 0 to 10, a step may carry other words for
when that number is 0 or 10 (``at_zero``, ``at_ten``), and ``recap`` names each answer in the summary.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.content import check_language, section
from bot.text import one_line
from bot.wellbeing.model import DIMENSIONS, LANGUAGES, value_ids

KINDS = ("under", "over")
RUNNERS = ("guided", "focusing", "coaching")
MIN_STEPS, MAX_STEPS = 3, 7


class UnknownExercise(KeyError):
    pass


@dataclass(frozen=True)
class Exercise:
    id: str
    lang: str
    dimension: str                  # the main dimension
    suits: tuple[str, ...]          # "under", "over" or both
    minutes: int
    title: str
    purpose: str                    # one sentence: what it is for
    steps: tuple[str, ...]
    keywords: tuple[str, ...] = ()  # for matching a typed request
    names: tuple[str, ...] = ()     # what people call it when they ask for it by name ("a thought record")
    values: tuple[str, ...] = ()    # value ids it touches (any dimension)
    also: tuple[str, ...] = ()      # further dimensions it serves
    runner: str = "guided"
    scales: tuple[int, ...] = ()    # coaching: the steps that ask for a number from 0 to 10
    recap: tuple[str, ...] = ()     # coaching: a label per step for the summary
    at_zero: tuple[str | None, ...] = ()   # coaching: a step's words when the scale said 0 (or None)
    at_ten: tuple[str | None, ...] = ()    # ... and when it said 10

    @property
    def coaching(self) -> bool:
        """Directive tools (solution-focused, RET): labelled as such and never suggested unasked."""
        return self.runner == "coaching"

    @property
    def dimensions(self) -> tuple[str, ...]:
        return (self.dimension, *self.also)

    def serves(self, dimension_id: str, kind: str | None = None) -> bool:
        """Whether it belongs to *dimension_id* (main or also) and, given *kind*, suits it."""
        return dimension_id in self.dimensions and (kind is None or kind in self.suits)


def shown_title(ex: Exercise) -> str:
    """The title as a person sees it in a list or an offer: coaching tools say what they are."""
    if not ex.coaching:
        return ex.title
    return f"{ex.title} ({section(ex.lang, 'exercises')['coaching']['label']})"


def _strings(items: Any) -> tuple[str, ...]:
    if items is None:
        return ()
    if isinstance(items, str):
        return (items,)
    return tuple(one_line(str(x)) for x in items)


def _variant(step: Any, key: str) -> str | None:
    return one_line(str(step[key])) if isinstance(step, dict) and step.get(key) else None


def _parse(exercise_id: str, spec: dict[str, Any], lang: str) -> Exercise:
    where = f"{lang}/exercises.yml: {exercise_id}"
    try:
        raw_steps = list(spec["steps"] or [])
        ex = Exercise(
            id=str(exercise_id), lang=lang, dimension=str(spec["dimension"]), suits=_strings(spec["suits"]),
            minutes=int(spec["minutes"]), title=one_line(str(spec["title"])),
            purpose=one_line(str(spec["purpose"])),
            steps=_strings([step["text"] if isinstance(step, dict) else step for step in raw_steps]),
            keywords=_strings(spec.get("keywords")), values=_strings(spec.get("values")),
            also=_strings(spec.get("also")), runner=str(spec.get("runner", "guided")),
            names=_strings(spec.get("names")),
            scales=tuple(int(i) for i in spec.get("scales") or ()), recap=_strings(spec.get("recap")),
            at_zero=tuple(_variant(step, "at_zero") for step in raw_steps),
            at_ten=tuple(_variant(step, "at_ten") for step in raw_steps),
        )
    except KeyError as missing:
        raise ValueError(f"{where} lacks {missing}") from None
    problems = []
    if ex.dimension not in DIMENSIONS or any(d not in DIMENSIONS or d == ex.dimension for d in ex.also):
        problems.append(f"unknown or repeated dimension in {ex.dimensions}")
    if not ex.suits or any(k not in KINDS for k in ex.suits):
        problems.append(f"suits must be a non-empty subset of {KINDS}, got {ex.suits}")
    if not MIN_STEPS <= len(ex.steps) <= MAX_STEPS:
        problems.append(f"needs {MIN_STEPS} to {MAX_STEPS} steps, has {len(ex.steps)}")
    if ex.minutes <= 0:
        problems.append("minutes must be positive")
    if ex.runner not in RUNNERS:
        problems.append(f"runner must be one of {RUNNERS}")
    if ex.coaching and len(ex.recap) != len(ex.steps):
        problems.append("a coaching tool needs a recap label per step")
    if any(not 0 <= i < len(ex.steps) for i in ex.scales):
        problems.append(f"scales must be step numbers from 0 to {len(ex.steps) - 1}")
    known_values = {v for d in DIMENSIONS for v in value_ids(d)}
    if any(v not in known_values for v in ex.values):
        problems.append(f"unknown value ids {[v for v in ex.values if v not in known_values]}")
    if not ex.title or not ex.purpose:
        problems.append("title and purpose must not be empty")
    if problems:
        raise ValueError(f"{where}: " + "; ".join(problems))
    return ex


@cache
def _load(lang: str) -> dict[str, Exercise]:
    raw = section(check_language(lang), "exercises").get("exercises") or {}
    return {str(k): _parse(str(k), v, lang) for k, v in raw.items()}


def _shape(ex: Exercise) -> tuple:
    return (ex.dimension, ex.also, ex.suits, ex.minutes, ex.values, ex.runner, ex.scales)


def check() -> None:
    """Raise ValueError unless every language has the same ids with the same non-text fields."""
    reference = _load(LANGUAGES[0])
    for lang in LANGUAGES[1:]:
        other = _load(lang)
        if list(other) != list(reference):
            missing = sorted(set(reference) ^ set(other))
            raise ValueError(f"exercise ids in {lang} differ from {LANGUAGES[0]} (or their order): {missing}")
        for ex_id, ex in reference.items():
            if _shape(other[ex_id]) != _shape(ex):
                raise ValueError(f"exercise {ex_id!r}: dimension/suits/minutes/values/runner differ in {lang}")
        for ex_id, ex in reference.items():
            if ex.runner in ("guided", "coaching") and len(other[ex_id].steps) != len(ex.steps):
                raise ValueError(f"exercise {ex_id!r} has a different number of steps in {lang}")


@cache
def _checked() -> bool:
    check()
    return True


def exercises(lang: str) -> tuple[Exercise, ...]:
    """Every exercise in *lang*, focusing included, in the file's order."""
    _checked()
    return tuple(_load(check_language(lang)).values())


def exercise(exercise_id: str, lang: str) -> Exercise:
    _checked()
    try:
        return _load(check_language(lang))[exercise_id]
    except KeyError:
        raise UnknownExercise(exercise_id) from None


def exists(exercise_id: str) -> bool:
    _checked()
    return exercise_id in _load(LANGUAGES[0])


def ids() -> tuple[str, ...]:
    _checked()
    return tuple(_load(LANGUAGES[0]))


def for_dimension(dimension_id: str, lang: str, kind: str | None = None) -> tuple[Exercise, ...]:
    """The exercises serving *dimension_id* (main dimension first, then those that also serve it),
    optionally only those suiting *kind* ("under" or "over")."""
    if dimension_id not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension_id!r}; use one of {', '.join(DIMENSIONS)}")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; use one of {KINDS}")
    all_ = exercises(lang)
    main = [e for e in all_ if e.dimension == dimension_id and (kind is None or kind in e.suits)]
    extra = [e for e in all_ if dimension_id in e.also and (kind is None or kind in e.suits)]
    return tuple(main + extra)
