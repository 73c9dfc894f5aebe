"""Coaching tools as a conversation: questions the person answers in their own words.

Solution-focused questions (exceptions, scaling) and the rational-emotive thought record (seed 004)
are directive, unlike the rest of the library, so they are introduced as coaching tools and never
suggested unasked (:mod:`bot.exercises.suggest`). The machine (see ``base.Step``):

* ``start`` -> the title and purpose, the coaching label and stance, the first question;
* each answer is kept and the next question follows; a question that asks for a number from 0 to 10
  (``Exercise.scales``) asks again kindly until it gets one (or "skip"), and later questions may use
  it as ``{scale}``, ``{lower}``, ``{higher}`` or take their ``at_zero`` / ``at_ten`` words;
* "skip" leaves a question unanswered, "back" returns to the previous one, "stop" ends it; "more time"
  gets a moment. Everything else is an answer, "yes" and "no" included (they answer questions here);
* after the last answer: a recap of what the person wrote (and how a feeling moved between two
  scales), a closing line and the feedback question. The state keeps only the numbers from then on.
"""
from __future__ import annotations

import re
from functools import cache
from typing import Any

from bot.content import check_language, section
from bot.steps import DONE, STOPPED, Step
from bot.text import one_line

from . import controls, library

RUNNER = "coaching"
MAX_ANSWER = 600  # characters kept per answer for the recap; a chat message can be longer


def _texts(lang: str) -> dict[str, Any]:
    return section(check_language(lang), "exercises")["coaching"]


def _guided(lang: str) -> dict[str, Any]:
    return section(lang, "exercises")["guided"]


def read_scale(text: str, lang: str) -> int | None:
    """A number from 0 to 10 in an answer: the first digits ("a 6", "7/10", "6,5" gives 6), else the last
    number word ("I'd give it a seven"); None when there is none or it is out of range."""
    digits = re.search(r"(?<![\d])(\d{1,2})(?![\d])", text or "")
    if digits:
        value = int(digits.group(1))
        return value if 0 <= value <= 10 else None
    words = _number_words(check_language(lang))
    found = [words[w] for w in re.findall(r"\w+", (text or "").casefold()) if w in words]
    return found[-1] if found else None


@cache
def _number_words(lang: str) -> dict[str, int]:
    return {str(w).casefold(): n for n, spelled in enumerate(_texts(lang)["number_words"]) for w in spelled}


def _numbers(ex: library.Exercise, answers: list[Any]) -> dict[int, int]:
    """The numbers given so far, by the step that asked for them (a skipped scale gives none)."""
    return {i: answers[i] for i in ex.scales if i < len(answers) and isinstance(answers[i], int)}


def _scale_of(ex: library.Exercise, answers: list[Any]) -> int | None:
    """The latest number given before the current point (the first scale question's, if only one)."""
    numbers = list(_numbers(ex, answers).values())
    return numbers[-1] if numbers else None


def _question(ex: library.Exercise, index: int, answers: list[Any], lang: str) -> dict[str, Any]:
    scale = _scale_of(ex, answers)
    text = ex.steps[index]
    if scale == 0 and ex.at_zero[index]:
        text = ex.at_zero[index]
    elif scale == 10 and ex.at_ten[index]:
        text = ex.at_ten[index]
    if scale is not None:
        text = text.format(scale=scale, lower=max(scale - 1, 0), higher=min(scale + 1, 10))
    shown = _texts(lang)["question"].format(number=index + 1, total=len(ex.steps), text=text)
    return {"text": one_line(shown), "buttons": _buttons(index, lang)}


def _buttons(index: int, lang: str) -> list[dict[str, str]]:
    kinds = [controls.SKIP] + ([controls.BACK] if index > 0 else []) + [controls.STOP]
    return controls.buttons(lang, *kinds)


def _state(ex: library.Exercise, index: int, answers: list[Any]) -> dict[str, Any]:
    return {"exercise_id": ex.id, "runner": RUNNER, "index": index, "total": len(ex.steps), "answers": answers}


def start(ex: library.Exercise, lang: str) -> Step:
    texts, guided = _texts(lang), _guided(lang)
    step = Step(state=_state(ex, 0, []))
    step.say(" ".join([guided["intro"].format(title=library.shown_title(ex), purpose=ex.purpose),
                       guided["duration"].format(minutes=ex.minutes), texts["stance"]]))
    step.messages.append(_question(ex, 0, [], lang))
    return step


def _recap(ex: library.Exercise, answers: list[Any], lang: str) -> str:
    texts = _texts(lang)
    lines = [texts["recap_intro"]]
    for label, answer in zip(ex.recap, answers, strict=False):
        shown = texts["recap_skipped"] if answer is None else str(answer)
        lines.append("- " + texts["recap_line"].format(label=label, answer=one_line(shown)))
    numbers = list(_numbers(ex, answers).values())
    if len(ex.scales) >= 2 and len(numbers) >= 2:
        lines.append(texts["scale_moved"].format(before=numbers[0], after=numbers[-1]))
    return "\n".join(lines)


def advance(state: dict[str, Any], text: str, lang: str) -> Step:
    check_language(lang)
    texts, guided = _texts(lang), _guided(lang)
    ex = library.exercise(str(state.get("exercise_id") or ""), lang)  # UnknownExercise for the caller
    answers = list(state.get("answers") or [])
    try:
        index = min(max(int(state.get("index", 0)), 0), len(ex.steps) - 1)
    except (TypeError, ValueError):
        index = 0
    answers = answers[:index]
    control = controls.parse(text or "", lang)
    step = Step(state=_state(ex, index, answers))
    if control == controls.STOP:
        step.status = STOPPED
        step.state = {**_state(ex, index, []), "stopped": True}
        step.result = {"exercise_id": ex.id, "completed": False, "stopped_at": index + 1}
        step.say(guided["stopped"])
        return step
    if control == controls.BACK:
        if index == 0:
            step.say(texts["empty"])
        previous = max(index - 1, 0)
        step.state = _state(ex, previous, answers[:previous])
        step.messages.append(_question(ex, previous, answers[:previous], lang))
        return step
    if control == controls.MORE:
        step.say(guided["more_time"], buttons=_buttons(index, lang))
        return step
    if control == controls.SKIP:
        answer: Any = None
    elif index in ex.scales:
        answer = read_scale(text, lang)
        if answer is None:
            step.say(texts["need_number"], buttons=_buttons(index, lang))
            return step
    else:
        answer = one_line(text or "")[:MAX_ANSWER] or None
    answers.append(answer)
    if index + 1 < len(ex.steps):
        step.state = _state(ex, index + 1, answers)
        step.messages.append(_question(ex, index + 1, answers, lang))
        return step
    scales = {str(i): n for i, n in _numbers(ex, answers).items()}
    step.status = DONE
    step.state = {**_state(ex, index, []), "finished": True}   # the words stay in the recap, not here
    step.result = {"exercise_id": ex.id, "completed": True, "scales": scales}
    step.messages.append({"text": _recap(ex, answers, lang)})
    step.say(texts["closing"])
    return step
