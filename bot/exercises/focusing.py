"""Focusing (after Eugene Gendlin), guided slowly in a chat, as a pure state machine (``base.Step``).

Six movements, in this order (texts in ``bot/content/<lang>/focusing.yml``):

1. ``clearing``    clearing a space: what stands between me and feeling fine? set each thing down;
2. ``felt_sense``  attention to the middle of the body: how does all of it feel in there?
3. ``handle``      a word, phrase or image that fits; the person's own words become the *handle*;
4. ``resonating``  checking the handle against the feeling, and letting it change;
5. ``asking``      what does it need? what would feel like a small step?
6. ``receiving``   welcoming whatever came, thanking the body.

The short version gives one message per movement, the long one a few parts per movement with more
guidance and pauses. One part per message. On every turn the person can:

* say "ready" / "klaar" (or press the button): the next part; "skip": the next movement;
* ask for "more time" / "nog even": a gentle extra prompt for the same movement;
* go "back" / "terug": the part before;
* "stop" / "stoppen": stopped at once, with a warm close (result says where);
* write their own words: at the handle step they become the handle (and the conversation moves on
  to resonating, "Does '{handle}' still fit?"); at the resonating step they replace it; anywhere
  else they are acknowledged kindly and we stay.

After the last movement the person may write a note to keep (the next message, unless they skip),
then the exercise is done: a closing line and the feedback question (``guided.feedback_message``).

Result on done: ``{"exercise_id": "focusing", "version", "handle", "note", "completed": True}``;
on stop: ``{"exercise_id": "focusing", "version", "completed": False, "stopped_at": <movement>}``.
"""
from __future__ import annotations

import re
from functools import cache
from typing import Any

from bot.content import check_language, section
from bot.steps import DONE, STOPPED, Step
from bot.text import one_line
from bot.wellbeing.answers import is_skip

from . import controls

EXERCISE_ID = "focusing"
MOVEMENTS = ("clearing", "felt_sense", "handle", "resonating", "asking", "receiving")
VERSIONS = ("short", "long")
HANDLE_INDEX = MOVEMENTS.index("handle")
RESONATING_INDEX = MOVEMENTS.index("resonating")
HANDLE_MAX_CHARS = 80
NOTE_MAX_CHARS = 2000


class UnknownVersion(ValueError):
    pass


def _texts(lang: str) -> dict[str, Any]:
    return section(check_language(lang), "focusing")


@cache
def _check(lang: str) -> bool:
    data = _texts(lang)
    found = tuple(data.get("movements") or {})
    if found != MOVEMENTS:
        raise ValueError(f"{lang}/focusing.yml must list the movements {MOVEMENTS} in order, found {found}")
    for m in MOVEMENTS:
        spec = data["movements"][m]
        for version in VERSIONS:
            if not spec.get(version):
                raise ValueError(f"{lang}/focusing.yml: movement {m} has no {version} parts")
        if len(spec["short"]) != 1:
            raise ValueError(f"{lang}/focusing.yml: the short version has one message per movement ({m})")
        if not spec.get("more_time"):
            raise ValueError(f"{lang}/focusing.yml: movement {m} has no more_time prompts")
    return True


def parts(lang: str, version: str, movement: str) -> list[dict[str, str | None]]:
    """The parts (messages) of one movement: ``{"text", "with_handle"}`` each."""
    _check(check_language(lang))
    out = []
    for part in _texts(lang)["movements"][movement][version]:
        if isinstance(part, dict):
            out.append({"text": str(part["text"]), "with_handle": part.get("with_handle")})
        else:
            out.append({"text": str(part), "with_handle": None})
    return out


def _clean(text: str) -> str:
    return one_line(str(text))


def _fill(template: str, handle: str | None) -> str:
    return _clean(template.replace("{handle}", handle or ""))


@cache
def _lead_in_regex(lang: str) -> re.Pattern[str] | None:
    words = sorted((_clean(w) for w in _texts(lang).get("handle_lead_ins") or [] if _clean(w)), key=len, reverse=True)
    if not words:
        return None
    body = "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in words)
    return re.compile(rf"^(?:(?:{body})\b[\s,:]*)+", re.IGNORECASE)


def clean_handle(text: str, lang: str) -> str:
    """The person's word or image, tidied: no quotes or trailing dots, no lead-in ("it feels like"),
    at most HANDLE_MAX_CHARS characters (cut at a word). Their own words otherwise stay as they are."""
    t = _clean(text).replace("\u2019", "'").strip(" \t\"'\u201c\u201d\u2018.,;:!?")
    lead = _lead_in_regex(lang)
    if lead:
        stripped = lead.sub("", t).strip(" \"'\u201c\u201d.,;:!?")
        if stripped:
            t = stripped
    if len(t) > HANDLE_MAX_CHARS:
        cut = t[:HANDLE_MAX_CHARS].rsplit(" ", 1)[0] or t[:HANDLE_MAX_CHARS]
        t = cut.rstrip(" ,;:") + "\u2026"
    return t


# --------------------------------------------------------------------------------------------
# Positions and messages


def _version(state: dict[str, Any]) -> str:
    version = state.get("version")
    return version if version in VERSIONS else "short"


def _position(state: dict[str, Any], lang: str) -> tuple[int, int]:
    try:
        m = min(max(int(state.get("movement", 0)), 0), len(MOVEMENTS) - 1)
        count = len(parts(lang, _version(state), MOVEMENTS[m]))
        p = min(max(int(state.get("part", 0)), 0), count - 1)
    except (TypeError, ValueError):
        return 0, 0
    return m, p


def _buttons(m: int, p: int, count: int, lang: str) -> list[dict[str, str]]:
    first = m == 0 and p == 0
    if m == HANDLE_INDEX and p == count - 1:
        kinds = ["no_word", controls.SKIP]
    elif m == RESONATING_INDEX and p == count - 1:
        kinds = ["fits", "not_quite", controls.MORE]
    else:
        kinds = [controls.READY, controls.MORE]
    if not first:
        kinds.append(controls.BACK)
    kinds.append(controls.STOP)
    return controls.buttons(lang, *kinds)


def _part_message(state: dict[str, Any], lang: str, prefix: str = "") -> dict[str, Any]:
    m, p = _position(state, lang)
    movement = MOVEMENTS[m]
    all_parts = parts(lang, _version(state), movement)
    part = all_parts[p]
    handle = state.get("handle")
    template = part["with_handle"] if (handle and part["with_handle"]) else part["text"]
    text = _fill(template, handle)
    if p == 0:
        name = _texts(lang)["movements"][movement]["name"]
        text = f'{_texts(lang)["heading"].format(number=m + 1, name=name)} {text}'
    if prefix:
        text = f"{prefix} {text}"
    return {"text": _clean(text), "buttons": _buttons(m, p, len(all_parts), lang)}


def _say_with_buttons(step: Step, text: str, state: dict[str, Any], lang: str) -> None:
    m, p = _position(state, lang)
    count = len(parts(lang, _version(state), MOVEMENTS[m]))
    step.say(text, buttons=_buttons(m, p, count, lang))


def _at(state: dict[str, Any], m: int, p: int) -> dict[str, Any]:
    return {**state, "movement": m, "part": p, "more": 0, "phase": "guide"}


def _note_step(state: dict[str, Any], lang: str) -> Step:
    new = {**state, "phase": "note", "more": 0}
    step = Step(state=new)
    step.say(_texts(lang)["note"]["ask"], buttons=controls.buttons(lang, controls.SKIP, controls.BACK))
    return step


# --------------------------------------------------------------------------------------------
# The machine


def start(lang: str, version: str = "short") -> Step:
    """Begin focusing: what it is, that there is no wrong way and stopping is fine, and step one."""
    check_language(lang)
    _check(lang)
    if version not in VERSIONS:
        raise UnknownVersion(f"unknown focusing version {version!r}; use one of {VERSIONS}")
    state = {"exercise_id": EXERCISE_ID, "runner": "focusing", "version": version, "movement": 0,
             "part": 0, "handle": None, "more": 0, "phase": "guide"}
    step = Step(state=state)
    step.say(_texts(lang)["intro"][version])
    step.messages.append(_part_message(state, lang))
    return step


def _stopped(state: dict[str, Any], lang: str) -> Step:
    m, _ = _position(state, lang)
    step = Step(state=state, status=STOPPED,
                result={"exercise_id": EXERCISE_ID, "version": _version(state), "completed": False,
                        "stopped_at": MOVEMENTS[m]})
    step.say(_texts(lang)["stopped"])
    return step


def _finish(state: dict[str, Any], note: str | None, lang: str) -> Step:
    from .guided import feedback_message  # guided imports this module

    texts = _texts(lang)
    new = {**state, "phase": "done", "note": note}
    step = Step(state=new, status=DONE,
                result={"exercise_id": EXERCISE_ID, "version": _version(state), "handle": state.get("handle"),
                        "note": note, "completed": True})
    step.say(texts["note"]["saved" if note else "skipped"])
    step.say(texts["closing"])
    step.messages.append(feedback_message(lang))
    return step


def _forward(state: dict[str, Any], lang: str, whole_movement: bool = False) -> Step:
    m, p = _position(state, lang)
    count = len(parts(lang, _version(state), MOVEMENTS[m]))
    if not whole_movement and p + 1 < count:
        new = _at(state, m, p + 1)
    elif m + 1 < len(MOVEMENTS):
        new = _at(state, m + 1, 0)
    else:
        return _note_step(state, lang)
    step = Step(state=new)
    step.messages.append(_part_message(new, lang))
    return step


def _backward(state: dict[str, Any], lang: str) -> Step:
    m, p = _position(state, lang)
    if p > 0:
        new = _at(state, m, p - 1)
    elif m > 0:
        new = _at(state, m - 1, len(parts(lang, _version(state), MOVEMENTS[m - 1])) - 1)
    else:
        step = Step(state=_at(state, 0, 0))
        step.messages.append(_part_message(step.state, lang, prefix=_texts(lang)["at_start"]))
        return step
    step = Step(state=new)
    step.messages.append(_part_message(new, lang))
    return step


def advance(state: dict[str, Any], text: str, lang: str) -> Step:
    """One turn: the person's message *text*, given the *state* the previous step returned."""
    check_language(lang)
    _check(lang)
    state = {"exercise_id": EXERCISE_ID, "runner": "focusing", **dict(state or {})}
    state["version"] = _version(state)
    text = text or ""
    control = controls.parse(text, lang)
    texts = _texts(lang)

    if state.get("phase") == "note":
        if control == controls.BACK:
            last = len(MOVEMENTS) - 1
            new = _at(state, last, len(parts(lang, state["version"], MOVEMENTS[last])) - 1)
            step = Step(state=new)
            step.messages.append(_part_message(new, lang))
            return step
        if control in (controls.SKIP, controls.READY, controls.NO, controls.STOP) or is_skip(text, lang) \
                or not text.strip():
            return _finish(state, None, lang)
        return _finish(state, _clean(text)[:NOTE_MAX_CHARS], lang)

    m, p = _position(state, lang)
    state = {**state, "movement": m, "part": p}
    movement = MOVEMENTS[m]
    spec = texts["movements"][movement]

    if control == controls.STOP:
        return _stopped(state, lang)
    if control == controls.BACK:
        return _backward(state, lang)
    if control == controls.MORE:
        prompts = spec["more_time"]
        turn = int(state.get("more") or 0)
        step = Step(state={**state, "more": turn + 1})
        _say_with_buttons(step, prompts[turn % len(prompts)], step.state, lang)
        return step
    if control == controls.SKIP:
        return _forward(state, lang, whole_movement=True)
    if control == controls.READY:
        return _forward(state, lang)

    if movement == "resonating" and control == controls.NO:
        step = Step(state=state)
        _say_with_buttons(step, spec["not_fitting"], state, lang)
        return step
    if movement == "handle" and text.strip():
        handle = clean_handle(text, lang)
        new = _at({**state, "handle": handle}, RESONATING_INDEX, 0)
        step = Step(state=new)
        step.messages.append(_part_message(new, lang))
        return step
    if movement == "resonating" and text.strip():
        handle = clean_handle(text, lang)
        new = {**state, "handle": handle}
        step = Step(state=new)
        _say_with_buttons(step, _fill(spec["adjusted"], handle), new, lang)
        return step
    step = Step(state=state)
    if control == controls.NO:
        reply = texts["nothing_yet"]
    elif text.strip() and spec.get("acknowledge"):
        reply = spec["acknowledge"]
    else:
        reply = texts["take_your_time"]
    _say_with_buttons(step, reply, state, lang)
    return step
