"""The lifeline (levenslijn) as a conversation: the person names the high and low points of their
life, in any order, each with roughly when, a few words and how it felt (-5..+5); the bot says back
what it understood, asks for what is missing one thing at a time, keeps the points in time order,
and when the person is done shows the line as a picture and asks four reflection questions.

A pure state machine (see :mod:`bot.steps`):

* ``start(lang, existing_points=None, *, picture_url=None, birth_year=None) -> Step``
* ``advance(state, text, lang, *, picture_url=None) -> Step``

``picture_url(state) -> str`` (given the JSON state) gives the address of the picture (drawn by
:func:`bot.exercises.lifeline.chart.lifeline_png` from ``result["points"]``); without it no image
message is sent and the line is given as text.

At any point the person can say "stop"/"pause" (status ``stopped``, the points are kept), "done" /
"klaar", "show" / "toon", "undo", "delete 2" / "verwijder 2", "change 2: at 14, -2", "change the
last one", or correct the last point with "no, it was -2" / "nee, het was op mijn 13de". Buttons
carry plain-text payloads that go through the same reading as typed text.

``result`` is ``{"points": [...], "reflections": {...}, "birth_year": int | None}``. It is set on
every step where the points change (so a person who simply walks away loses nothing), when the
picture is shown (so the picture's address draws the current points), on stop and at the end.
Points are dicts ``{"age", "year", "label", "feeling", "said"}`` in time order; ``said`` is what
the person gave ("age", "year" or "both"), and when the birth year is known the other of age and
year is filled in. Reflections hold only the questions that were answered (a skipped question
keeps whatever an earlier round stored).

Time order: with a birth year (said, inferred from a moment given with both age and year, or
"born in 1970") everything is placed on one line. Without one, ages come first in age order and
years after them in year order, because the two cannot be compared; when both kinds appear the bot
asks once, optionally, for the birth year.

Between messages the state is JSON; here it is a :class:`~.state.State`, converted only in
:func:`start` and :func:`advance` (and for ``picture_url``).
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

from bot.content import check_language
from bot.steps import DONE, RUNNING, STOPPED, Step
from bot.text import one_line
from bot.wellbeing.answers import is_pause, is_skip

from .chart import lifeline_alt_text
from .parse import (
    FEELING,
    LABEL,
    LABEL_MAX,
    LAST,
    WHEN,
    Command,
    ParsedPoint,
    count_phrase,
    fill_when_fields,
    format_feeling,
    format_label,
    format_when,
    infer_birth_year,
    is_birth,
    missing_fields,
    parse_birth_year,
    parse_command,
    parse_feeling,
    parse_point,
    parse_when,
    sort_points,
    texts,
)
from .state import ASK, BIRTH_YEAR, CHANGE, COLLECT, FINISHED, REFLECT, Ask, Point, State

PictureUrl = Callable[[dict[str, Any]], str] | None
Handler = Callable[[Step, State, str, str, PictureUrl], None]

MIN_POINTS = 3
REFLECTION_KEYS = ("best", "learned", "carried", "matters")
REFLECTION_MAX = 2000
FEELING_BUTTONS = (-4, -2, 0, 2, 4)


# --------------------------------------------------------------------------------------------
# Entry points

def start(lang: str, existing_points: list[dict[str, Any]] | None = None, *,
          picture_url: PictureUrl = None, birth_year: int | None = None) -> Step:
    """Open the exercise; with *existing_points*, list them and let the person add, change or delete."""
    check_language(lang)
    st = _new_state(existing_points, birth_year)
    step = Step()
    t = texts(lang)
    if st.points:
        _say_lines(step, t["intro_existing"], _list_lines(st, lang))
        step.say(t["intro_existing_help"], buttons=[_button(lang, "done"), _button(lang, "show")])
        step.result = _result(st)
    else:
        step.say(t["intro"])
        step.say(t["intro_example"])
        step.say(t["first_prompt"])
    step.state = st.to_json()
    return step


def advance(state: dict[str, Any] | None, text: str, lang: str, *, picture_url: PictureUrl = None) -> Step:
    """One message from the person; returns what to say, the new state and, when useful, the result."""
    check_language(lang)
    if not State.readable(state):
        # A state this code cannot read: begin again, but with whatever points it holds.
        points = (state or {}).get("points") if isinstance(state, dict) else None
        return start(lang, existing_points=points if isinstance(points, list) else None, picture_url=picture_url)
    st = State.from_json(state)
    step = Step()
    _turn(step, st, (text or "").strip(), lang, picture_url)
    step.state = st.to_json()
    return step


def _turn(step: Step, st: State, text: str, lang: str, picture_url: PictureUrl) -> None:
    if st.phase == FINISHED:  # nothing more to do; say nothing, keep the outcome
        step.status = st.final_status or DONE
        step.result = _result(st)
        return
    if _is_pause(text, lang):
        _stop(step, st, lang)
        return
    if not text:
        _reprompt(step, st, lang)
        return
    before = copy.deepcopy(st.points)
    _HANDLERS.get(st.phase, _on_collect)(step, st, text, lang, picture_url)
    if step.result is None and st.points != before:
        step.result = _result(st)


# --------------------------------------------------------------------------------------------
# State

def _new_state(existing_points: list[dict[str, Any]] | None, birth_year: int | None) -> State:
    points = []
    for i, raw in enumerate(existing_points or [], start=1):
        p = Point.clean(raw, id=i)
        if p is not None:
            points.append(p)
    st = State(points=points, next_id=len(points) + 1, birth_year=birth_year)
    _settle(st)
    return st


def _birth_year(st: State) -> int | None:
    return st.birth_year or infer_birth_year(p for p in st.points if p.said == "both") \
        or infer_birth_year(st.points)


def _settle(st: State) -> None:
    """Fill ages/years from the birth year when known, and put the points in time order."""
    by = _birth_year(st)
    if by is not None:
        for p in st.points:
            fill_when_fields(p, by)
    st.points = sort_points(st.points, by)


def _by_id(st: State, pid: Any) -> Point | None:
    return next((p for p in st.points if p.id == pid), None)


def _number_of(st: State, pid: Any) -> int:
    return next((i for i, p in enumerate(st.points, start=1) if p.id == pid), 0)


def _result(st: State) -> dict[str, Any]:
    return {"points": [p.public() for p in st.points],
            "reflections": {k: v for k, v in st.reflections.items() if v},
            "birth_year": _birth_year(st)}


def _remember(st: State) -> None:
    """Keep the points as they are now, so "undo" can bring them back (one step)."""
    st.undo = copy.deepcopy(st.points)


# --------------------------------------------------------------------------------------------
# Saying things

def _button(lang: str, name: str) -> dict[str, str]:
    b = texts(lang)["buttons"]
    return {"title": b[name], "payload": b[f"{name}_payload"]}


def _say_lines(step: Step, header: str, lines: list[str]) -> None:
    """A message whose lines stay lines (Step.say would join them)."""
    step.messages.append({"text": "\n".join([one_line(header), *lines])})


def _point_line(p: Point, number: int, lang: str) -> str:
    t = texts(lang)
    key = "list_item" if p.feeling is not None else "list_item_no_feeling"
    return t[key].format(number=number, when=format_when(p, lang), label=format_label(p, lang),
                         feeling=format_feeling(p.feeling))


def _list_lines(st: State, lang: str) -> list[str]:
    return [_point_line(p, i, lang) for i, p in enumerate(st.points, start=1)]


def _show(step: Step, st: State, lang: str) -> None:
    t = texts(lang)
    if st.points:
        _say_lines(step, t["list_header"], _list_lines(st, lang))
    else:
        step.say(t["list_empty"])


def _fill(p: Point, lang: str, inline: bool = False) -> dict[str, str]:
    when = format_when(p, lang)
    if inline and len(when) > 1 and when[0].isupper() and when[1].islower():
        when = when[0].lower() + when[1:]  # "age 18" inside a sentence
    return {"when": when, "label": format_label(p, lang), "feeling": format_feeling(p.feeling)}


def _next_prompt(step: Step, st: State, lang: str, lead: str = "") -> None:
    t = texts(lang)
    st.turn += 1
    if len(st.points) >= MIN_POINTS:
        step.say(f"{lead} {t['next_prompt_done']}".strip(), buttons=[_button(lang, "done")])
    else:
        prompts = t["next_prompts"]
        step.say(f"{lead} {prompts[st.turn % len(prompts)]}".strip())


def _confirm(step: Step, st: State, p: Point, lang: str, changed: bool = False) -> None:
    """Say the point back in one sentence, with "that's right" / "change it" buttons."""
    t = texts(lang)
    st.phase, st.ask, st.change_id = COLLECT, None, None
    _settle(st)
    feeling = p.feeling
    if changed:
        sentence = t["changed" if feeling is not None else "changed_no_feeling"].format(**_fill(p, lang))
    else:
        sentence = t["confirm" if feeling is not None else "confirm_no_feeling"].format(**_fill(p, lang))
        if feeling is not None and feeling <= -4:
            sentence = f"{t['ack_low']} {sentence}"
        elif feeling is not None and feeling >= 4:
            sentence = f"{t['ack_high']} {sentence}"
    if _should_ask_birth_year(st):
        step.say(sentence)
        st.phase, st.birth_year_asked = BIRTH_YEAR, True
        step.say(t["ask_birth_year"], buttons=[_button(lang, "skip")])
        return
    step.say(sentence, buttons=[_button(lang, "right"), _button(lang, "change")])


def _should_ask_birth_year(st: State) -> bool:
    if st.birth_year_asked or _birth_year(st) is not None:
        return False
    ages = any(p.age is not None and p.year is None for p in st.points)
    years = any(p.year is not None and p.age is None for p in st.points)
    return ages and years


def _ask(step: Step, st: State, p: Point, fields: list[str], lang: str, retry: bool = False) -> None:
    t = texts(lang)
    st.phase = ASK
    st.ask = Ask(id=p.id, fields=fields, retried=retry)
    field = fields[0]
    key = {WHEN: "ask_when", LABEL: "ask_label", FEELING: "ask_feeling"}[field] + ("_retry" if retry else "")
    buttons = [_button(lang, "skip")]
    if field == FEELING:
        buttons = [{"title": format_feeling(v), "payload": f"{v:+d}" if v else "0"} for v in FEELING_BUTTONS] + buttons
    step.say(t[key], buttons=buttons)


def _after_new_point(step: Step, st: State, p: Point, lang: str) -> None:
    missing = missing_fields(p)
    if missing:
        step.say(texts(lang)["noted_partial"].format(**_fill(p, lang)))
        _ask(step, st, p, missing, lang)
    else:
        _confirm(step, st, p, lang)


def _reprompt(step: Step, st: State, lang: str) -> None:
    phase, ask = st.phase, st.ask
    p = _by_id(st, ask.id) if phase == ASK and ask else None
    if ask and p is not None:
        _ask(step, st, p, ask.fields, lang, retry=ask.retried)
    elif phase == REFLECT:
        _ask_reflection(step, st, lang)
    elif phase == BIRTH_YEAR:
        step.say(texts(lang)["ask_birth_year"], buttons=[_button(lang, "skip")])
    elif phase == CHANGE:
        step.say(texts(lang)["change_what"])
    else:
        _next_prompt(step, st, lang)


# --------------------------------------------------------------------------------------------
# Collecting points

def _is_pause(text: str, lang: str) -> bool:
    return any(is_pause(text, x) for x in dict.fromkeys([lang, "en", "nl"]))


def _is_skip(text: str, lang: str) -> bool:
    return any(is_skip(text, x) for x in dict.fromkeys([lang, "en", "nl"]))


def _on_collect(step: Step, st: State, text: str, lang: str, picture_url: PictureUrl) -> None:
    cmd = parse_command(text, lang)
    if cmd is not None:
        _command(step, st, cmd, lang, picture_url)
        return
    parsed = parse_point(text, lang, birth_year=_birth_year(st))
    if parsed is None:
        step.say(texts(lang)["not_understood"])
        return
    if not parsed.has_when and parsed.feeling is None and text.rstrip().endswith("?"):
        step.say(texts(lang)["help"])
        return
    _add_point(step, st, parsed, lang)


def _add_point(step: Step, st: State, parsed: ParsedPoint, lang: str) -> None:
    _remember(st)
    p = Point(id=st.next_id, **parsed.as_point())
    st.next_id += 1
    born = parsed.year is not None and parsed.age in (None, 0) and is_birth(parsed.label, lang)
    if born and not st.birth_year:
        st.birth_year, p.age = parsed.year, 0
    st.points.append(p)
    st.last_id = p.id
    _settle(st)
    _after_new_point(step, st, p, lang)


# --------------------------------------------------------------------------------------------
# Commands: done, show, help, yes, undo, delete, change

def _command(step: Step, st: State, cmd: Command, lang: str, picture_url: PictureUrl) -> None:
    st.phase, st.ask, st.change_id = COLLECT, None, None
    if cmd.kind == "done":
        _finish_collecting(step, st, lang, picture_url)
    elif cmd.kind == "show":
        _show(step, st, lang)
        _next_prompt(step, st, lang)
    elif cmd.kind == "help":
        step.say(texts(lang)["help"])
    elif cmd.kind == "yes":
        _next_prompt(step, st, lang, lead=texts(lang)["yes_reply"])
    elif cmd.kind == "undo":
        _undo(step, st, lang)
    elif cmd.kind == "delete":
        _delete(step, st, cmd, lang)
    elif cmd.kind == "change":
        _change(step, st, cmd, lang)


def _undo(step: Step, st: State, lang: str) -> None:
    t = texts(lang)
    if st.undo is None:
        step.say(t["nothing_to_undo"])
        return
    st.points, st.undo, st.last_id = st.undo, None, None
    _settle(st)
    step.say(t["undone"])
    _show(step, st, lang)
    _next_prompt(step, st, lang)


def _delete(step: Step, st: State, cmd: Command, lang: str) -> None:
    p = _target(step, st, cmd, lang, which="delete_which")
    if p is None:
        return
    number = _number_of(st, p.id)
    _remember(st)
    st.points.remove(p)
    if st.last_id == p.id:
        st.last_id = None
    step.say(texts(lang)["deleted"].format(number=number, **_fill(p, lang)))
    _show(step, st, lang)
    _next_prompt(step, st, lang)


def _change(step: Step, st: State, cmd: Command, lang: str) -> None:
    p = _target(step, st, cmd, lang)
    if p is None:
        return
    if cmd.text:
        _apply_change(step, st, p, cmd.text, lang)
    else:
        st.phase, st.change_id = CHANGE, p.id
        step.say(f"{_point_line(p, _number_of(st, p.id), lang)}")
        step.say(texts(lang)["change_what"])


def _target(step: Step, st: State, cmd: Command, lang: str, which: str = "change_which") -> Point | None:
    """The point a delete/change command is about, or None after saying why there is none."""
    t = texts(lang)
    if not st.points:
        step.say(t["list_empty"])
        return None
    if cmd.index is None:
        step.say(t[which])
        _show(step, st, lang)
        return None
    if cmd.index == LAST:
        return _by_id(st, st.last_id) or max(st.points, key=lambda x: x.id)
    if 1 <= cmd.index <= len(st.points):
        return st.points[cmd.index - 1]
    step.say(t["no_such_point"].format(number=cmd.index, count=count_phrase(len(st.points), lang)))
    return None


def _read_change(text: str, st: State, lang: str) -> ParsedPoint | None:
    """What a correction says: a whole or partial point, a bare number as a time, or a feeling."""
    by = _birth_year(st)
    parsed = parse_point(text, lang, birth_year=by)
    if parsed is not None and (parsed.has_when or parsed.feeling is not None or parsed.label):
        return parsed
    when = parse_when(text, lang, birth_year=by)
    if when is not None:
        return ParsedPoint(age=when[0], year=when[1], said=_said(text, when))
    feeling = parse_feeling(text, lang)
    if feeling is not None:
        return ParsedPoint(feeling=feeling)
    return None


def _said(text: str, when: tuple[int | None, int | None]) -> str:
    """Whether a bare answer gave the year (four digits in it) or the age."""
    return "year" if when[1] is not None and parse_birth_year(text, "en") == when[1] else "age"


def _merge(p: Point, parsed: ParsedPoint, by: int | None) -> bool:
    changed = False
    if parsed.has_when:
        p.age, p.year, p.said = parsed.age, parsed.year, parsed.said
        fill_when_fields(p, by)
        changed = True
    if parsed.label:
        p.label = parsed.label
        changed = True
    if parsed.feeling is not None:
        p.feeling = parsed.feeling
        changed = True
    return changed


def _apply_change(step: Step, st: State, p: Point, text: str, lang: str) -> None:
    parsed = _read_change(text, st, lang)
    before = copy.deepcopy(st.points)
    if parsed is None or not _merge(p, parsed, _birth_year(st)):
        st.phase, st.change_id = COLLECT, None
        step.say(texts(lang)["change_not_understood"].format(number=_number_of(st, p.id)))
        return
    st.undo, st.last_id = before, p.id
    _confirm(step, st, p, lang, changed=True)


def _on_change(step: Step, st: State, text: str, lang: str, picture_url: PictureUrl) -> None:
    p = _by_id(st, st.change_id)
    cmd = parse_command(text, lang)
    if p is None or (cmd is not None and not (cmd.kind == "change" and cmd.index == LAST and cmd.text)):
        if cmd is None:
            st.phase = COLLECT
            _on_collect(step, st, text, lang, picture_url)
        else:
            _command(step, st, cmd, lang, picture_url)
        return
    _apply_change(step, st, p, cmd.text if cmd is not None else text, lang)


# --------------------------------------------------------------------------------------------
# Asking for what a point is missing, one field at a time

def _on_ask(step: Step, st: State, text: str, lang: str, picture_url: PictureUrl) -> None:
    ask = st.ask
    p = _by_id(st, ask.id) if ask else None
    fields = [f for f in ask.fields if f in missing_fields(p)] if ask and p else []
    if ask is None or p is None or not fields:
        st.phase = COLLECT
        _on_collect(step, st, text, lang, picture_url)
        return
    answer = _instead_of_answer(step, st, p, fields, text, lang, picture_url)
    if answer is not None:
        _take_answer(step, st, p, fields, answer, lang, retried=ask.retried)


def _instead_of_answer(step: Step, st: State, p: Point, fields: list[str], text: str, lang: str,
                       picture_url: PictureUrl) -> str | None:
    """Handle a command or "skip" given instead of an answer and return None; else the text to read
    as the answer (for "no, it was …", the part after the correction)."""
    cmd = parse_command(text, lang)
    kind = cmd.kind if cmd is not None else None
    if kind in ("done", "undo", "delete"):
        _command(step, st, cmd, lang, picture_url)
    elif kind == "show":
        _show(step, st, lang)
        _ask(step, st, p, fields, lang)
    elif kind == "help":  # mostly "I don't know": leave this one open
        _leave_open(step, st, p, fields, lang)
    elif kind == "change" and (cmd.index in (LAST, None) or cmd.text):
        return _change_while_asking(step, st, p, cmd, lang, picture_url)
    elif _is_skip(text, lang):
        _leave_open(step, st, p, fields, lang)
    else:
        return text
    return None


def _change_while_asking(step: Step, st: State, p: Point, cmd: Command, lang: str,
                         picture_url: PictureUrl) -> str | None:
    """"No, it was …" corrects the point being asked about; "change 2 …" is about another one."""
    if cmd.index not in (LAST, None):
        _command(step, st, cmd, lang, picture_url)
        return None
    if not cmd.text:
        st.phase, st.ask, st.change_id = CHANGE, None, p.id
        step.say(texts(lang)["change_what"])
        return None
    return cmd.text


def _take_answer(step: Step, st: State, p: Point, fields: list[str], text: str, lang: str, retried: bool) -> None:
    by = _birth_year(st)
    parsed = parse_point(text, lang, birth_year=by)
    field = fields[0]
    if parsed is not None and parsed.has_when and parsed.label and (field != WHEN or parsed.feeling is not None):
        # Not an answer but the next moment ("at 22 I got my first job" to "how did it feel?").
        _add_point(step, st, parsed, lang)
        return
    got = _ANSWERS[field](p, parsed, text, lang, by)
    if parsed is not None:
        _fill_the_rest(p, parsed, field, by)
    if got:
        _continue_asking(step, st, p, _still_missing(p, fields), lang)
    elif not retried:
        _ask(step, st, p, fields, lang, retry=True)
    else:
        _leave_open(step, st, p, fields, lang)


def _answer_when(p: Point, parsed: ParsedPoint | None, text: str, lang: str, by: int | None) -> bool:
    timed = parsed is not None and parsed.has_when
    when = (parsed.age, parsed.year) if timed else parse_when(text, lang, birth_year=by)
    if when is None:
        return False
    p.age, p.year = when
    p.said = parsed.said if timed else _said(text, when)
    fill_when_fields(p, by)
    return True


def _answer_feeling(p: Point, parsed: ParsedPoint | None, text: str, lang: str, by: int | None) -> bool:
    feeling = parse_feeling(text, lang)
    if feeling is None:
        return False
    p.feeling = feeling
    return True


def _answer_label(p: Point, parsed: ParsedPoint | None, text: str, lang: str, by: int | None) -> bool:
    label = parsed.label if parsed is not None and parsed.label else ""
    if not label and not (parsed is not None and (parsed.has_when or parsed.feeling is not None)):
        label = one_line(text)[:LABEL_MAX]
    if not label:
        return False
    p.label = label
    return True


_ANSWERS = {WHEN: _answer_when, FEELING: _answer_feeling, LABEL: _answer_label}


def _fill_the_rest(p: Point, parsed: ParsedPoint, field: str, by: int | None) -> None:
    """Whatever else the answer holds fills other open fields ("at 12, -3" to "when was that?")."""
    if p.feeling is None and parsed.feeling is not None:
        p.feeling = parsed.feeling
    if p.age is None and p.year is None and parsed.has_when:
        p.age, p.year, p.said = parsed.age, parsed.year, parsed.said
        fill_when_fields(p, by)
    if not p.label and parsed.label and field != LABEL:
        p.label = parsed.label


def _still_missing(p: Point, fields: list[str]) -> list[str]:
    return [f for f in fields[1:] if f in missing_fields(p)]


def _leave_open(step: Step, st: State, p: Point, fields: list[str], lang: str) -> None:
    step.say(texts(lang)["left_open"])
    _continue_asking(step, st, p, _still_missing(p, fields), lang)


def _continue_asking(step: Step, st: State, p: Point, fields: list[str], lang: str) -> None:
    if fields:
        _ask(step, st, p, fields, lang)
    else:
        _confirm(step, st, p, lang)


def _on_birth_year(step: Step, st: State, text: str, lang: str, picture_url: PictureUrl) -> None:
    t = texts(lang)
    st.phase = COLLECT
    if _is_skip(text, lang):
        _next_prompt(step, st, lang, lead=t["birth_year_skipped"])
        return
    year = parse_birth_year(text, lang)
    earliest = min((p.year for p in st.points if p.year is not None), default=date.today().year)
    if year is not None and parse_command(text, lang) is None and year <= min(earliest, date.today().year):
        st.birth_year = year
        _settle(st)
        _next_prompt(step, st, lang, lead=t["birth_year_thanks"])
        return
    _on_collect(step, st, text, lang, picture_url)


# --------------------------------------------------------------------------------------------
# The picture, the reflections and the end

def _finish_collecting(step: Step, st: State, lang: str, picture_url: PictureUrl) -> None:
    t = texts(lang)
    count = len(st.points)
    if count == 0:
        step.say(t["nothing_to_draw"])
        step.status = STOPPED
        step.result = _result(st)
        st.phase, st.final_status = FINISHED, STOPPED
        return
    if count < MIN_POINTS and not st.nudged:
        st.nudged = True
        step.say(t["few_points"].format(count=count_phrase(count, lang)), buttons=[_button(lang, "done")])
        return
    _settle(st)
    st.phase, st.reflect = REFLECT, 0
    result = _result(st)
    step.result = result
    alt = lifeline_alt_text(result["points"], lang)
    step.say(t["picture_intro"])
    if picture_url is not None:
        step.messages.append({"text": alt, "image": picture_url(st.to_json())})
    else:
        step.say(alt)
    step.say(t["reflect_intro"])
    _ask_reflection(step, st, lang)


def _ask_reflection(step: Step, st: State, lang: str) -> None:
    r = texts(lang)["reflections"]
    key = REFLECTION_KEYS[st.reflect]
    question = r[key]
    with_feeling = [p for p in st.points if p.feeling is not None]
    if key == "best" and with_feeling:
        top = max(with_feeling, key=lambda p: p.feeling)
        if top.feeling > 0:
            question = f"{question} {r['best_hint'].format(**_fill(top, lang, inline=True))}"
    elif key == "learned":
        lows = [p for p in with_feeling if p.feeling < 0]
        if lows:
            low = min(lows, key=lambda p: p.feeling)
            question = f"{question} {r['learned_hint'].format(**_fill(low, lang, inline=True))}"
        else:
            question = r["learned_no_lows"]
    step.say(question, buttons=[_button(lang, "skip")])


def _on_reflect(step: Step, st: State, text: str, lang: str, picture_url: PictureUrl) -> None:
    t = texts(lang)
    key = REFLECTION_KEYS[st.reflect]
    cmd = parse_command(text, lang)
    if cmd is not None and cmd.kind == "show":
        _show(step, st, lang)
        _ask_reflection(step, st, lang)
        return
    if cmd is not None and cmd.kind == "done":
        _finish(step, st, lang)
        return
    if _is_skip(text, lang):
        step.say(t["reflection_skipped"])
    else:
        st.reflections[key] = one_line(text)[:REFLECTION_MAX]
        acks = t["reflection_acks"]
        step.say(acks[st.reflect % len(acks)])
    st.reflect += 1
    if st.reflect < len(REFLECTION_KEYS):
        _ask_reflection(step, st, lang)
    else:
        _finish(step, st, lang)


def _finish(step: Step, st: State, lang: str) -> None:
    st.phase, st.final_status = FINISHED, DONE
    step.say(texts(lang)["closing"])
    step.status = DONE
    step.result = _result(st)


def _stop(step: Step, st: State, lang: str) -> None:
    step.say(texts(lang)["stopped"].format(count=count_phrase(len(st.points), lang)))
    step.status = STOPPED
    step.result = _result(st)


_HANDLERS: dict[str, Handler] = {COLLECT: _on_collect, ASK: _on_ask, CHANGE: _on_change, BIRTH_YEAR: _on_birth_year,
                                 REFLECT: _on_reflect}

__all__ = ["start", "advance", "REFLECTION_KEYS", "MIN_POINTS", "RUNNING", "DONE", "STOPPED"]
