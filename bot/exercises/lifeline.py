"""The lifeline (levenslijn) as a conversation: the person names the high and low points of their
life, in any order, each with roughly when, a few words and how it felt (-5..+5); the bot says back
what it understood, asks for what is missing one thing at a time, keeps the points in time order,
and when the person is done shows the line as a picture and asks four reflection questions.

A pure state machine (see :mod:`bot.exercises.base`):

* ``start(lang, existing_points=None, *, picture_url=None, birth_year=None) -> Step``
* ``advance(state, text, lang, *, picture_url=None) -> Step``

``picture_url(state) -> str`` gives the address of the picture (drawn by
:func:`bot.exercises.lifeline_chart.lifeline_png` from ``result["points"]``); without it no image
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
"""
from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from typing import Any

from bot.content import check_language
from bot.text import one_line
from bot.wellbeing.answers import is_pause, is_skip

from .base import DONE, RUNNING, STOPPED, Step
from .lifeline_chart import lifeline_alt_text
from .lifeline_parse import (
    FEELING,
    LABEL,
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

PictureUrl = Callable[[dict[str, Any]], str] | None

VERSION = 1
MIN_POINTS = 3
REFLECTION_KEYS = ("best", "learned", "carried", "matters")
COLLECT, ASK, CHANGE, BIRTH_YEAR, REFLECT, FINISHED = "collect", "ask", "change", "birth_year", "reflect", "finished"
PUBLIC_FIELDS = ("age", "year", "label", "feeling", "said")
REFLECTION_MAX = 2000
FEELING_BUTTONS = (-4, -2, 0, 2, 4)


# --------------------------------------------------------------------------------------------
# Entry points

def start(lang: str, existing_points: list[dict[str, Any]] | None = None, *,
          picture_url: PictureUrl = None, birth_year: int | None = None) -> Step:
    """Open the exercise; with *existing_points*, list them and let the person add, change or delete."""
    check_language(lang)
    st = _new_state(existing_points, birth_year)
    step = Step(state=st)
    t = texts(lang)
    if st["points"]:
        _say_lines(step, t["intro_existing"], _list_lines(st, lang))
        step.say(t["intro_existing_help"], buttons=[_button(lang, "done"), _button(lang, "show")])
        step.result = _result(st)
    else:
        step.say(t["intro"])
        step.say(t["intro_example"])
        step.say(t["first_prompt"])
    return step


def advance(state: dict[str, Any] | None, text: str, lang: str, *, picture_url: PictureUrl = None) -> Step:
    """One message from the person; returns what to say, the new state and, when useful, the result."""
    check_language(lang)
    if not state or state.get("version") != VERSION or "phase" not in state:
        # A state this code cannot read: begin again, but with whatever points it holds.
        points = (state or {}).get("points") if isinstance(state, dict) else None
        return start(lang, existing_points=points if isinstance(points, list) else None, picture_url=picture_url)
    st = copy.deepcopy(state)
    before = json.dumps(st["points"], sort_keys=True)
    step = Step(state=st)
    text = (text or "").strip()
    if st["phase"] == FINISHED:  # nothing more to do; say nothing, keep the outcome
        step.status = st.get("final_status") or DONE
        step.result = _result(st)
        return step
    if _is_pause(text, lang):
        return _stop(step, st, lang)
    if not text:
        _reprompt(step, st, lang)
        return step
    handler = {COLLECT: _on_collect, ASK: _on_ask, CHANGE: _on_change, BIRTH_YEAR: _on_birth_year,
               REFLECT: _on_reflect}.get(st["phase"], _on_collect)
    handler(step, st, text, lang, picture_url)
    if step.result is None and json.dumps(st["points"], sort_keys=True) != before:
        step.result = _result(st)
    return step


# --------------------------------------------------------------------------------------------
# State

def _new_state(existing_points: list[dict[str, Any]] | None, birth_year: int | None) -> dict[str, Any]:
    points = []
    for i, raw in enumerate(existing_points or [], start=1):
        p = _clean_point(raw)
        if p is not None:
            p["id"] = i
            points.append(p)
    st: dict[str, Any] = {
        "version": VERSION, "phase": COLLECT, "points": points, "next_id": len(points) + 1,
        "last_id": None, "ask": None, "change_id": None, "birth_year": birth_year,
        "birth_year_asked": False, "nudged": False, "reflect": 0, "reflections": {}, "turn": 0,
        "undo": None, "final_status": None,
    }
    _settle(st)
    return st


def _int_or_none(v: Any, lo: int, hi: int) -> int | None:
    try:
        n = int(v)
    except (TypeError, ValueError):
        return None
    return n if lo <= n <= hi else None


def _clean_point(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        return None
    p = {"age": _int_or_none(raw.get("age"), 0, 120), "year": _int_or_none(raw.get("year"), 1900, 2100),
         "label": str(raw.get("label") or "").strip(), "feeling": _int_or_none(raw.get("feeling"), -5, 5)}
    if p["age"] is None and p["year"] is None and p["feeling"] is None and not p["label"]:
        return None
    said = raw.get("said")
    if said not in ("age", "year", "both"):
        said = "age" if p["age"] is not None else "year" if p["year"] is not None else None
    p["said"] = said
    return p


def _birth_year(st: dict[str, Any]) -> int | None:
    return st.get("birth_year") or infer_birth_year(p for p in st["points"] if p.get("said") == "both") \
        or infer_birth_year(st["points"])


def _settle(st: dict[str, Any]) -> None:
    """Fill ages/years from the birth year when known, and put the points in time order."""
    by = _birth_year(st)
    if by is not None:
        for p in st["points"]:
            fill_when_fields(p, by)
    st["points"] = sort_points(st["points"], by)


def _by_id(st: dict[str, Any], pid: Any) -> dict[str, Any] | None:
    return next((p for p in st["points"] if p["id"] == pid), None)


def _number_of(st: dict[str, Any], pid: Any) -> int:
    return next((i for i, p in enumerate(st["points"], start=1) if p["id"] == pid), 0)


def _result(st: dict[str, Any]) -> dict[str, Any]:
    return {"points": [{k: p.get(k) for k in PUBLIC_FIELDS} for p in st["points"]],
            "reflections": {k: v for k, v in st["reflections"].items() if v},
            "birth_year": _birth_year(st)}


# --------------------------------------------------------------------------------------------
# Saying things

def _button(lang: str, name: str) -> dict[str, str]:
    b = texts(lang)["buttons"]
    return {"title": b[name], "payload": b[f"{name}_payload"]}


def _say_lines(step: Step, header: str, lines: list[str]) -> None:
    """A message whose lines stay lines (Step.say would join them)."""
    step.messages.append({"text": "\n".join([one_line(header), *lines])})


def _point_line(p: dict[str, Any], number: int, lang: str) -> str:
    t = texts(lang)
    key = "list_item" if p.get("feeling") is not None else "list_item_no_feeling"
    return t[key].format(number=number, when=format_when(p, lang), label=format_label(p, lang),
                         feeling=format_feeling(p.get("feeling")))


def _list_lines(st: dict[str, Any], lang: str) -> list[str]:
    return [_point_line(p, i, lang) for i, p in enumerate(st["points"], start=1)]


def _show(step: Step, st: dict[str, Any], lang: str) -> None:
    t = texts(lang)
    if st["points"]:
        _say_lines(step, t["list_header"], _list_lines(st, lang))
    else:
        step.say(t["list_empty"])


def _fill(p: dict[str, Any], lang: str, inline: bool = False) -> dict[str, str]:
    when = format_when(p, lang)
    if inline and len(when) > 1 and when[0].isupper() and when[1].islower():
        when = when[0].lower() + when[1:]  # "age 18" inside a sentence
    return {"when": when, "label": format_label(p, lang), "feeling": format_feeling(p.get("feeling"))}


def _next_prompt(step: Step, st: dict[str, Any], lang: str, lead: str = "") -> None:
    t = texts(lang)
    st["turn"] = st.get("turn", 0) + 1
    if len(st["points"]) >= MIN_POINTS:
        step.say(f"{lead} {t['next_prompt_done']}".strip(), buttons=[_button(lang, "done")])
    else:
        prompts = t["next_prompts"]
        step.say(f"{lead} {prompts[st['turn'] % len(prompts)]}".strip())


def _confirm(step: Step, st: dict[str, Any], p: dict[str, Any], lang: str, changed: bool = False) -> None:
    """Say the point back in one sentence, with "that's right" / "change it" buttons."""
    t = texts(lang)
    st["phase"], st["ask"], st["change_id"] = COLLECT, None, None
    _settle(st)
    feeling = p.get("feeling")
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
        st["phase"], st["birth_year_asked"] = BIRTH_YEAR, True
        step.say(t["ask_birth_year"], buttons=[_button(lang, "skip")])
        return
    step.say(sentence, buttons=[_button(lang, "right"), _button(lang, "change")])


def _should_ask_birth_year(st: dict[str, Any]) -> bool:
    if st.get("birth_year_asked") or _birth_year(st) is not None:
        return False
    ages = any(p.get("age") is not None and p.get("year") is None for p in st["points"])
    years = any(p.get("year") is not None and p.get("age") is None for p in st["points"])
    return ages and years


def _ask(step: Step, st: dict[str, Any], p: dict[str, Any], fields: list[str], lang: str, retry: bool = False) -> None:
    t = texts(lang)
    st["phase"] = ASK
    st["ask"] = {"id": p["id"], "fields": fields, "retried": retry}
    field = fields[0]
    key = {WHEN: "ask_when", LABEL: "ask_label", FEELING: "ask_feeling"}[field] + ("_retry" if retry else "")
    buttons = [_button(lang, "skip")]
    if field == FEELING:
        buttons = [{"title": format_feeling(v), "payload": f"{v:+d}" if v else "0"} for v in FEELING_BUTTONS] + buttons
    step.say(t[key], buttons=buttons)


def _after_new_point(step: Step, st: dict[str, Any], p: dict[str, Any], lang: str) -> None:
    missing = missing_fields(p)
    if missing:
        step.say(texts(lang)["noted_partial"].format(**_fill(p, lang)))
        _ask(step, st, p, missing, lang)
    else:
        _confirm(step, st, p, lang)


def _reprompt(step: Step, st: dict[str, Any], lang: str) -> None:
    phase = st["phase"]
    if phase == ASK and st.get("ask") and _by_id(st, st["ask"]["id"]):
        _ask(step, st, _by_id(st, st["ask"]["id"]), st["ask"]["fields"], lang, retry=st["ask"].get("retried", False))
    elif phase == REFLECT:
        _ask_reflection(step, st, lang)
    elif phase == BIRTH_YEAR:
        step.say(texts(lang)["ask_birth_year"], buttons=[_button(lang, "skip")])
    elif phase == CHANGE:
        step.say(texts(lang)["change_what"])
    else:
        _next_prompt(step, st, lang)


# --------------------------------------------------------------------------------------------
# Phases

def _is_pause(text: str, lang: str) -> bool:
    return any(is_pause(text, x) for x in dict.fromkeys([lang, "en", "nl"]))


def _is_skip(text: str, lang: str) -> bool:
    return any(is_skip(text, x) for x in dict.fromkeys([lang, "en", "nl"]))


def _on_collect(step: Step, st: dict[str, Any], text: str, lang: str, picture_url: PictureUrl) -> None:
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


def _add_point(step: Step, st: dict[str, Any], parsed: ParsedPoint, lang: str) -> None:
    _remember(st)
    p = {"id": st["next_id"], **parsed.as_point()}
    st["next_id"] += 1
    born = parsed.year is not None and parsed.age in (None, 0) and is_birth(parsed.label, lang)
    if born and not st.get("birth_year"):
        st["birth_year"], p["age"] = parsed.year, 0
    st["points"].append(p)
    st["last_id"] = p["id"]
    _settle(st)
    _after_new_point(step, st, p, lang)


def _command(step: Step, st: dict[str, Any], cmd: Command, lang: str, picture_url: PictureUrl) -> None:
    t = texts(lang)
    st["phase"], st["ask"], st["change_id"] = COLLECT, None, None
    if cmd.kind == "done":
        _finish_collecting(step, st, lang, picture_url)
    elif cmd.kind == "show":
        _show(step, st, lang)
        _next_prompt(step, st, lang)
    elif cmd.kind == "help":
        step.say(t["help"])
    elif cmd.kind == "yes":
        _next_prompt(step, st, lang, lead=t["yes_reply"])
    elif cmd.kind == "undo":
        if st.get("undo") is None:
            step.say(t["nothing_to_undo"])
            return
        st["points"], st["undo"], st["last_id"] = st["undo"], None, None
        _settle(st)
        step.say(t["undone"])
        _show(step, st, lang)
        _next_prompt(step, st, lang)
    elif cmd.kind == "delete":
        p = _target(step, st, cmd, lang, which="delete_which")
        if p is None:
            return
        number = _number_of(st, p["id"])
        _remember(st)
        st["points"].remove(p)
        if st.get("last_id") == p["id"]:
            st["last_id"] = None
        step.say(t["deleted"].format(number=number, **_fill(p, lang)))
        _show(step, st, lang)
        _next_prompt(step, st, lang)
    elif cmd.kind == "change":
        p = _target(step, st, cmd, lang)
        if p is None:
            return
        if cmd.text:
            _apply_change(step, st, p, cmd.text, lang)
        else:
            st["phase"], st["change_id"] = CHANGE, p["id"]
            step.say(f"{_point_line(p, _number_of(st, p['id']), lang)}")
            step.say(t["change_what"])


def _remember(st: dict[str, Any]) -> None:
    """Keep the points as they are now, so "undo" can bring them back (one step)."""
    st["undo"] = copy.deepcopy(st["points"])


def _target(step: Step, st: dict[str, Any], cmd: Command, lang: str,
            which: str = "change_which") -> dict[str, Any] | None:
    """The point a delete/change command is about, or None after saying why there is none."""
    t = texts(lang)
    if not st["points"]:
        step.say(t["list_empty"])
        return None
    if cmd.index is None:
        step.say(t[which])
        _show(step, st, lang)
        return None
    if cmd.index == LAST:
        p = _by_id(st, st.get("last_id")) or max(st["points"], key=lambda x: x["id"])
        return p
    if 1 <= cmd.index <= len(st["points"]):
        return st["points"][cmd.index - 1]
    step.say(t["no_such_point"].format(number=cmd.index, count=count_phrase(len(st["points"]), lang)))
    return None


def _read_change(text: str, st: dict[str, Any], lang: str) -> ParsedPoint | None:
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


def _merge(p: dict[str, Any], parsed: ParsedPoint, by: int | None) -> bool:
    changed = False
    if parsed.has_when:
        p["age"], p["year"], p["said"] = parsed.age, parsed.year, parsed.said
        fill_when_fields(p, by)
        changed = True
    if parsed.label:
        p["label"] = parsed.label
        changed = True
    if parsed.feeling is not None:
        p["feeling"] = parsed.feeling
        changed = True
    return changed


def _apply_change(step: Step, st: dict[str, Any], p: dict[str, Any], text: str, lang: str) -> None:
    parsed = _read_change(text, st, lang)
    before = copy.deepcopy(st["points"])
    if parsed is None or not _merge(p, parsed, _birth_year(st)):
        st["phase"], st["change_id"] = COLLECT, None
        step.say(texts(lang)["change_not_understood"].format(number=_number_of(st, p["id"])))
        return
    st["undo"], st["last_id"] = before, p["id"]
    _confirm(step, st, p, lang, changed=True)


def _on_change(step: Step, st: dict[str, Any], text: str, lang: str, picture_url: PictureUrl) -> None:
    p = _by_id(st, st.get("change_id"))
    cmd = parse_command(text, lang)
    if p is None or (cmd is not None and not (cmd.kind == "change" and cmd.index == LAST and cmd.text)):
        if cmd is None:
            st["phase"] = COLLECT
            _on_collect(step, st, text, lang, picture_url)
        else:
            _command(step, st, cmd, lang, picture_url)
        return
    _apply_change(step, st, p, cmd.text if cmd is not None else text, lang)


def _on_ask(step: Step, st: dict[str, Any], text: str, lang: str, picture_url: PictureUrl) -> None:
    ask = st.get("ask") or {}
    p = _by_id(st, ask.get("id"))
    fields = [f for f in ask.get("fields") or [] if f in missing_fields(p or {})]
    if p is None or not fields:
        st["phase"] = COLLECT
        _on_collect(step, st, text, lang, picture_url)
        return
    t = texts(lang)
    field = fields[0]
    cmd = parse_command(text, lang)
    if cmd is not None and cmd.kind in ("done", "undo", "delete"):
        _command(step, st, cmd, lang, picture_url)
        return
    if cmd is not None and cmd.kind == "show":
        _show(step, st, lang)
        _ask(step, st, p, fields, lang)
        return
    if cmd is not None and cmd.kind == "help":  # mostly "I don't know": leave this one open
        step.say(t["left_open"])
        _continue_asking(step, st, p, fields[1:], lang)
        return
    if cmd is not None and cmd.kind == "change" and (cmd.index in (LAST, None) or cmd.text):
        target = p if cmd.index in (LAST, None) else None
        if target is None:
            _command(step, st, cmd, lang, picture_url)
            return
        if not cmd.text:
            st["phase"], st["ask"], st["change_id"] = CHANGE, None, p["id"]
            step.say(t["change_what"])
            return
        text = cmd.text
    elif _is_skip(text, lang):
        step.say(t["left_open"])
        _continue_asking(step, st, p, fields[1:], lang)
        return

    by = _birth_year(st)
    parsed = parse_point(text, lang, birth_year=by)
    if parsed is not None and parsed.has_when and parsed.label and (field != WHEN or parsed.feeling is not None):
        # Not an answer but the next moment ("at 22 I got my first job" to "how did it feel?").
        _add_point(step, st, parsed, lang)
        return
    got = False
    if field == WHEN:
        when = ((parsed.age, parsed.year) if parsed is not None and parsed.has_when
                else parse_when(text, lang, birth_year=by))
        if when is not None:
            p["age"], p["year"] = when
            p["said"] = parsed.said if parsed is not None and parsed.has_when else _said(text, when)
            fill_when_fields(p, by)
            got = True
    elif field == FEELING:
        feeling = parse_feeling(text, lang)
        if feeling is not None:
            p["feeling"], got = feeling, True
    elif field == LABEL:
        label = parsed.label if parsed is not None and parsed.label else ""
        if not label and not (parsed is not None and (parsed.has_when or parsed.feeling is not None)):
            label = one_line(text)[:140]
        if label:
            p["label"], got = label, True
    # Whatever else the answer holds fills other open fields ("at 12, -3" to "when was that?").
    if parsed is not None:
        if p.get("feeling") is None and parsed.feeling is not None:
            p["feeling"] = parsed.feeling
        if p.get("age") is None and p.get("year") is None and parsed.has_when:
            p["age"], p["year"], p["said"] = parsed.age, parsed.year, parsed.said
            fill_when_fields(p, by)
        if not p.get("label") and parsed.label and field != LABEL:
            p["label"] = parsed.label
    if got:
        _continue_asking(step, st, p, [f for f in fields[1:] if f in missing_fields(p)], lang)
    elif not ask.get("retried"):
        _ask(step, st, p, fields, lang, retry=True)
    else:
        step.say(t["left_open"])
        _continue_asking(step, st, p, [f for f in fields[1:] if f in missing_fields(p)], lang)


def _continue_asking(step: Step, st: dict[str, Any], p: dict[str, Any], fields: list[str], lang: str) -> None:
    if fields:
        _ask(step, st, p, fields, lang)
    else:
        _confirm(step, st, p, lang)


def _on_birth_year(step: Step, st: dict[str, Any], text: str, lang: str, picture_url: PictureUrl) -> None:
    t = texts(lang)
    st["phase"] = COLLECT
    if _is_skip(text, lang):
        _next_prompt(step, st, lang, lead=t["birth_year_skipped"])
        return
    year = parse_birth_year(text, lang)
    earliest = min((p["year"] for p in st["points"] if p.get("year") is not None), default=date.today().year)
    if year is not None and parse_command(text, lang) is None and year <= min(earliest, date.today().year):
        st["birth_year"] = year
        _settle(st)
        _next_prompt(step, st, lang, lead=t["birth_year_thanks"])
        return
    _on_collect(step, st, text, lang, picture_url)


def _finish_collecting(step: Step, st: dict[str, Any], lang: str, picture_url: PictureUrl) -> None:
    t = texts(lang)
    count = len(st["points"])
    if count == 0:
        step.say(t["nothing_to_draw"])
        step.status = STOPPED
        step.result = _result(st)
        st["phase"], st["final_status"] = FINISHED, STOPPED
        return
    if count < MIN_POINTS and not st.get("nudged"):
        st["nudged"] = True
        step.say(t["few_points"].format(count=count_phrase(count, lang)), buttons=[_button(lang, "done")])
        return
    _settle(st)
    st["phase"], st["reflect"] = REFLECT, 0
    result = _result(st)
    step.result = result
    alt = lifeline_alt_text(result["points"], lang)
    step.say(t["picture_intro"])
    if picture_url is not None:
        step.messages.append({"text": alt, "image": picture_url(st)})
    else:
        step.say(alt)
    step.say(t["reflect_intro"])
    _ask_reflection(step, st, lang)


def _ask_reflection(step: Step, st: dict[str, Any], lang: str) -> None:
    r = texts(lang)["reflections"]
    key = REFLECTION_KEYS[st["reflect"]]
    question = r[key]
    with_feeling = [p for p in st["points"] if p.get("feeling") is not None]
    if key == "best" and with_feeling:
        top = max(with_feeling, key=lambda p: p["feeling"])
        if top["feeling"] > 0:
            question = f"{question} {r['best_hint'].format(**_fill(top, lang, inline=True))}"
    elif key == "learned":
        lows = [p for p in with_feeling if p["feeling"] < 0]
        if lows:
            low = min(lows, key=lambda p: p["feeling"])
            question = f"{question} {r['learned_hint'].format(**_fill(low, lang, inline=True))}"
        else:
            question = r["learned_no_lows"]
    step.say(question, buttons=[_button(lang, "skip")])


def _on_reflect(step: Step, st: dict[str, Any], text: str, lang: str, picture_url: PictureUrl) -> None:
    t = texts(lang)
    key = REFLECTION_KEYS[st["reflect"]]
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
        st["reflections"][key] = one_line(text)[:REFLECTION_MAX]
        acks = t["reflection_acks"]
        step.say(acks[st["reflect"] % len(acks)])
    st["reflect"] += 1
    if st["reflect"] < len(REFLECTION_KEYS):
        _ask_reflection(step, st, lang)
    else:
        _finish(step, st, lang)


def _finish(step: Step, st: dict[str, Any], lang: str) -> None:
    st["phase"], st["final_status"] = FINISHED, DONE
    step.say(texts(lang)["closing"])
    step.status = DONE
    step.result = _result(st)


def _stop(step: Step, st: dict[str, Any], lang: str) -> Step:
    step.say(texts(lang)["stopped"].format(count=count_phrase(len(st["points"]), lang)))
    step.status = STOPPED
    step.result = _result(st)
    return step


__all__ = ["start", "advance", "REFLECTION_KEYS", "MIN_POINTS", "RUNNING", "DONE", "STOPPED"]
