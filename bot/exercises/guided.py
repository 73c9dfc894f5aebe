"""The step-by-step runner for library exercises, as a pure state machine (see ``base.Step``).

``start(exercise_id, lang)`` says what the exercise is for and how long it takes, invites the
person to take their time, and gives the first step with buttons (Ready, Back, Stop).
``advance(state, text, lang)`` reads the person's message with :mod:`bot.exercises.controls`:

* ready / next / klaar / verder (or skip) -> the next step; after the last one the exercise is
  done: a closing line and the feedback question "Did this help?";
* back / terug -> the previous step;
* more time / nog even -> a kind "stay as long as you like", on the same step;
* stop / stoppen / pause -> stopped, with a warm close;
* anything else -> a gentle "take your time", on the same step.

Result on done: ``{"exercise_id", "completed": True}``; on stop: ``{"exercise_id", "completed":
False, "stopped_at": <step number>}``. The answer to the feedback question is the caller's:
:func:`parse_feedback` maps it to +1 / 0 / -1 for storage.

Focusing (``runner: focusing``) and the coaching tools (``runner: coaching``) have their own machines;
:func:`start` and :func:`advance` hand them over to :mod:`bot.exercises.focusing` and
:mod:`bot.exercises.coaching`, so a caller can drive every exercise through this module.
"""
from __future__ import annotations

import re
from functools import cache
from typing import Any

from bot.content import check_language, section
from bot.steps import DONE, STOPPED, Step
from bot.text import normalise, one_line, phrase_regex
from bot.wellbeing.model import LANGUAGES

from . import coaching, controls, focusing, library

FEEDBACK_SCORES = {"helped": 1, "a_bit": 0, "not_really": -1}


def _texts(lang: str) -> dict[str, Any]:
    return section(check_language(lang), "exercises")["guided"]


# --------------------------------------------------------------------------------------------
# Feedback


def feedback_message(lang: str) -> dict[str, Any]:
    """The question "Did this help?" with three buttons whose payloads parse_feedback understands."""
    data = section(check_language(lang), "exercises")["feedback"]
    return {"text": data["question"],
            "buttons": [{"title": data["buttons"][key], "payload": data["buttons"][key]} for key in FEEDBACK_SCORES]}


@cache
def _feedback_patterns(lang: str) -> tuple[re.Pattern[str], dict[str, str]]:
    words = section(check_language(lang), "exercises")["feedback"]
    buttons = words["buttons"]
    phrase_to_kind: dict[str, str] = {}
    for kind in FEEDBACK_SCORES:
        for phrase in [*words["words"][kind], buttons[kind]]:
            phrase_to_kind.setdefault(normalise(str(phrase)), kind)
    pattern = phrase_regex(list(phrase_to_kind))
    assert pattern is not None
    return pattern, phrase_to_kind


def _feedback_in(text: str, lang: str) -> int | None:
    pattern, kinds = _feedback_patterns(lang)
    found: dict[str, int] = {}
    for match in pattern.finditer(normalise(text)):
        kind = kinds.get(one_line(match.group(0)))
        if kind:
            found[kind] = found.get(kind, 0) + len(match.group(0))
    if not found:
        return None
    if "a_bit" in found:
        return 0
    if "helped" in found and "not_really" in found:
        return 1 if found["helped"] > found["not_really"] else -1
    return FEEDBACK_SCORES[next(iter(found))]


def parse_feedback(text: str, lang: str) -> int | None:
    """+1 (it helped), 0 (a bit), -1 (not really), or None when the answer says none of these.

    "A bit" wins when named at all ("a bit helpful" is 0); when both a yes and a no are named, the
    longer phrase wins ("no, it helped a lot" is +1, "yes... not really" is -1). Tried in the
    session's language first, then in the other one.
    """
    check_language(lang)
    for candidate in (lang, *(other for other in LANGUAGES if other != lang)):
        score = _feedback_in(text or "", candidate)
        if score is not None:
            return score
    return None


# --------------------------------------------------------------------------------------------
# The runner


def _step_message(ex: library.Exercise, index: int, lang: str) -> dict[str, Any]:
    texts = _texts(lang)
    text = texts["step"].format(number=index + 1, total=len(ex.steps), text=ex.steps[index])
    return {"text": one_line(text), "buttons": _buttons(ex, index, lang)}


def _buttons(ex: library.Exercise, index: int, lang: str) -> list[dict[str, str]]:
    last = index == len(ex.steps) - 1
    ready = controls.button("finish" if last else controls.READY, lang)
    out = [ready]
    if index > 0:
        out.append(controls.button(controls.BACK, lang))
    out.append(controls.button(controls.STOP, lang))
    return out


def _state(ex: library.Exercise, index: int) -> dict[str, Any]:
    return {"exercise_id": ex.id, "runner": "guided", "index": index, "total": len(ex.steps)}


def start(exercise_id: str, lang: str) -> Step:
    """Begin an exercise: what it is for, how long it takes, the invitation, and the first step.

    Raises ``library.UnknownExercise`` for an id that is not in the library.
    """
    ex = library.exercise(exercise_id, check_language(lang))
    if ex.runner == "focusing":
        return focusing.start(lang)
    if ex.coaching:
        return coaching.start(ex, lang)
    texts = _texts(lang)
    step = Step(state=_state(ex, 0))
    step.say(" ".join([texts["intro"].format(title=ex.title, purpose=ex.purpose),
                       texts["duration"].format(minutes=ex.minutes), texts["invitation"]]))
    step.messages.append(_step_message(ex, 0, lang))
    return step


def _with_buttons(step: Step, text: str, ex: library.Exercise, index: int, lang: str) -> Step:
    step.say(text, buttons=_buttons(ex, index, lang))
    return step


def advance(state: dict[str, Any], text: str, lang: str) -> Step:
    """One turn: the person's message *text* on the step kept in *state*."""
    check_language(lang)
    state = dict(state or {})
    if state.get("runner") == "focusing" or state.get("exercise_id") == focusing.EXERCISE_ID:
        return focusing.advance(state, text, lang)
    texts = _texts(lang)
    exercise_id = str(state.get("exercise_id") or "")
    try:
        ex = library.exercise(exercise_id, lang)
    except library.UnknownExercise:
        step = Step(state=state, status=STOPPED,
                    result={"exercise_id": exercise_id, "completed": False, "stopped_at": None})
        step.say(texts["unknown"])
        return step
    if ex.coaching:
        step = coaching.advance(state, text, lang)
        if step.status == DONE:
            step.messages.append(feedback_message(lang))
        return step
    total = len(ex.steps)
    try:
        index = min(max(int(state.get("index", 0)), 0), total - 1)
    except (TypeError, ValueError):
        index = 0

    control = controls.parse(text or "", lang)
    step = Step(state=_state(ex, index))
    if control == controls.STOP:
        step.status = STOPPED
        step.result = {"exercise_id": ex.id, "completed": False, "stopped_at": index + 1}
        step.say(texts["stopped"])
        return step
    if control in (controls.READY, controls.SKIP):
        if index + 1 >= total:
            step.status = DONE
            step.state = {**_state(ex, total - 1), "finished": True}
            step.result = {"exercise_id": ex.id, "completed": True}
            step.say(texts["closing"])
            step.messages.append(feedback_message(lang))
            return step
        step.state = _state(ex, index + 1)
        step.messages.append(_step_message(ex, index + 1, lang))
        return step
    if control == controls.BACK:
        if index == 0:
            step.say(texts["first_step"])
            step.messages.append(_step_message(ex, 0, lang))
            return step
        step.state = _state(ex, index - 1)
        step.messages.append(_step_message(ex, index - 1, lang))
        return step
    if control == controls.MORE:
        return _with_buttons(step, texts["more_time"], ex, index, lang)
    return _with_buttons(step, texts["take_your_time"], ex, index, lang)
