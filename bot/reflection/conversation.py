"""A short reflective thread: listen, reflect back, ask one open question, then offer a next step.

The shape follows how a mentor listens (Leijssen: empathy, genuineness, acceptance; stay with the
person before offering anything):

1. **begin** — the person shares something. The bot says back, in its own words, what it heard and
   which side of life it touches (and the direction, where the message says so), then asks one
   open question that fits that side and direction.
2. **answer** — every next message is taken as an answer to that question, not as a new request:
   a short acknowledgement and a second question; after ``questions_before_next_step`` answers, a
   next step that fits (take stock, look closer at that side, an exercise for it, a person). "I
   don't believe in God" is met with what this side of life means; "I don't know" with a gentler
   angle; a clear turn to another side of life is followed.

No reply is sent twice to one person while it is among their last few replies (``Thread.recent``).
All words come from ``bot/content/<lang>/reflection.yml``; the numbers from ``thresholds.yml``.
The thread is a plain dict between turns (:meth:`Thread.to_dict`), so the dialogue engine can keep
it in a slot.
"""
from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from bot.content import check_language, section
from bot.wellbeing.model import dimension as dimension_of

from .mapping import Heard, has_cue, hear, settings, topics_in

BEGIN_KINDS = ("share", "want_to_talk", "ordinary_goal")


@dataclass
class Thread:
    lang: str
    dimension: str | None = None
    direction: str | None = None
    topic: str | None = None
    also: str | None = None             # a second side of life the first message touched
    answers: int = 0
    unclear_turns: int = 0
    asked: list[str] = field(default_factory=list)
    recent: list[str] = field(default_factory=list)
    open: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any, lang: str) -> Thread:
        """A thread from a slot value; a fresh one if the value is missing or not understood."""
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                data = None
        if not isinstance(data, dict):
            return cls(lang)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["lang"] = lang
        try:
            return cls(**known)
        except TypeError:
            return cls(lang)


@dataclass
class Reply:
    messages: list[dict[str, Any]]
    thread: Thread

    @property
    def open(self) -> bool:
        """Whether the next message is an answer to the question just asked."""
        return self.thread.open


# ---------------------------------------------------------------------------------- wording

def _bank(lang: str) -> dict[str, Any]:
    return section(lang, "reflection")


def _fill(template: str, thread: Thread, dim: str | None = None) -> str:
    dim = dim or thread.dimension
    fill: dict[str, str] = {}
    if dim:
        d = dimension_of(dim, thread.lang)
        fill.update(area=d.area, name=d.name)
    if thread.topic:
        fill["topic"] = _bank(thread.lang)["topics"][thread.topic]["label"]
    return template.format(**fill)


def _pick(options: list[str], thread: Thread, seed: str, avoid: tuple[str, ...] = ()) -> str:
    """A variant not among the person's recent replies (or questions already asked), chosen from the
    message so the same message reads the same in tests."""
    filled = [_fill(o, thread) for o in options]
    order = list(range(len(filled)))
    random.Random(seed).shuffle(order)
    taken = set(thread.recent) | set(thread.asked) | set(avoid)
    for i in order:
        if filled[i] not in taken and not any(filled[i] in r for r in thread.recent):
            return filled[i]
    return filled[order[0]]


def _direction(thread: Thread) -> str:
    return thread.direction if thread.direction in ("too_much", "too_little") else "unclear"


def _question(thread: Thread, seed: str) -> str:
    bank = _bank(thread.lang)
    stay = bank.get("stay_with", {}).get(thread.topic or "")
    if stay and not thread.asked:   # heavy existential topics: first what carried them (stay_with)
        options = stay
    elif thread.dimension:
        options = bank["questions"][thread.dimension][_direction(thread)]
        if all(_fill(o, thread) in thread.asked for o in options):
            options = bank["questions"][thread.dimension]["unclear"]
    else:
        options = bank["unclear"]["questions"]
    question = _pick(options, thread, seed + "?")
    thread.asked.append(question)
    return question


def _reflection(thread: Thread, seed: str) -> str:
    bank = _bank(thread.lang)
    variants = bank["reflect"]["with_topic" if thread.topic else "without_topic"][thread.dimension][_direction(thread)]
    text = _pick(variants, thread, seed)
    if thread.also and thread.also != thread.dimension:
        also = dimension_of(thread.also, thread.lang).area
        text += " " + random.Random(seed + "+").choice(bank["also"]).format(area=also)
    return text


def _goal_wording(thread: Thread) -> str:
    """Which ordinary_goal variants fit: naming the side of life too, unless the topic already says
    it ("moving your body ... touches your body")."""
    if not thread.topic:
        return "without_topic"
    if not thread.dimension:
        return "with_topic"
    area_word = dimension_of(thread.dimension, thread.lang).area.split()[-1]
    return "with_topic" if area_word in _bank(thread.lang)["topics"][thread.topic]["label"] else "with_side"


def _send(thread: Thread, text: str, buttons: list[dict[str, str]] | None = None) -> Reply:
    keep = int(settings()["thread"]["remember_replies"])
    thread.recent = (thread.recent + [text])[-keep:]
    message: dict[str, Any] = {"text": text}
    if buttons:
        message["buttons"] = buttons
    return Reply([message], thread)


def _on_side(thread: Thread, heard: Heard) -> None:
    thread.dimension, thread.direction, thread.topic = heard.dimension, heard.direction, heard.topic
    thread.also = heard.also
    thread.answers, thread.asked = 0, []


def _next_step(thread: Thread, seed: str) -> Reply:
    bank = _bank(thread.lang)
    labels = bank["next_step"]["buttons"]
    if thread.dimension:
        text = _pick(bank["next_step"]["text"], thread, seed)
        entity = json.dumps({"dimension": thread.dimension})
        buttons = [
            {"title": _fill(labels["look_closer"], thread), "payload": f"/look_closer{entity}"},
            {"title": _fill(labels["exercise"], thread), "payload": f"/start_exercise{entity}"},
            {"title": labels["checkin"], "payload": "/start_checkin"},
            {"title": labels["mentor"], "payload": "/request_mentor"},
        ]
    else:
        text = _pick(bank["next_step"]["general"], thread, seed)
        buttons = [
            {"title": labels["checkin"], "payload": "/start_checkin"},
            {"title": labels["mentor"], "payload": "/request_mentor"},
            {"title": labels["keep_talking"], "payload": "/want_to_talk"},
        ]
    thread.open = False
    return _send(thread, text, buttons)


def _objection(thread: Thread, text: str, answering: bool = True) -> Reply | None:
    """A reply to "I don't believe in God", or, to a question just asked (*answering*), to "that
    doesn't help" or "I don't know"; None when the message is none of these."""
    bank = _bank(thread.lang)["objections"]
    if has_cue(text, thread.lang, "no_god"):
        thread.dimension, thread.topic, thread.direction = "spiritual", None, None
        thread.answers += 1
        return _send(thread, _pick(bank["no_god"], thread, text))
    if not answering:  # "I don't know what to do about work" is something shared, not a reply
        return None
    for name in ("not_helpful", "no_answer"):
        if has_cue(text, thread.lang, name):
            thread.answers += 1
            # Each of these variants ends in its own, gentler question.
            return _send(thread, _pick(bank[name], thread, text))
    return None


def _turns_elsewhere(heard: Heard, text: str, thread: Thread) -> bool:
    """Whether an answer clearly moves to another side of life (a short answer such as "maybe
    walking more" is an answer to the question, whatever side its words belong to)."""
    cfg = settings()["thread"]
    return bool(heard.dimension and heard.topic and heard.dimension != thread.dimension
                and heard.also != thread.dimension and heard.probability >= float(cfg["turn_probability"])
                and len(text.split()) >= int(cfg["turn_min_words"]))


def _questions_before_next_step() -> int:
    return int(settings()["thread"]["questions_before_next_step"])


# ---------------------------------------------------------------------------------- public API

def _goal_side(heard: Heard, text: str, lang: str) -> Heard:
    """A goal is about its object, the first topic it names: "drink less when I go out with my
    friends" is about drinking, so that topic and its side of life lead."""
    named = topics_in(text, lang)
    if not named:
        return heard
    topic, side = named[0]
    also = heard.dimension if heard.dimension != side else heard.also
    return replace(heard, dimension=side, topic=topic, also=also)


def begin(text: str, lang: str, kind: str = "share", recent: list[str] | None = None) -> Reply:
    """The first reply to something the person shared (`kind` "share"), a request to talk
    ("want_to_talk"), or an ordinary goal such as quitting smoking ("ordinary_goal")."""
    check_language(lang)
    if kind not in BEGIN_KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    thread = Thread(lang, recent=list(recent or []))
    bank = _bank(lang)
    objection = _objection(thread, text, answering=False)
    if objection is not None:
        objection.thread.answers = 0
        return objection
    heard = hear(text, lang) if kind != "want_to_talk" else Heard(None)
    if kind == "ordinary_goal":
        heard = _goal_side(heard, text, lang)
    _on_side(thread, heard)
    if kind == "want_to_talk":
        return _send(thread, _pick(bank["want_to_talk"], thread, text))
    if kind == "ordinary_goal":
        goal = _pick(bank["ordinary_goal"][_goal_wording(thread)], thread, text)
        return _send(thread, goal)
    if not thread.dimension:
        thread.unclear_turns = 1
        return _send(thread, f"{_pick(bank['unclear']['reflect'], thread, text)} {_question(thread, text)}")
    return _send(thread, f"{_reflection(thread, text)} {_question(thread, text)}")


def reflect_back(text: str, lang: str, *, topic_needed: bool = True) -> str | None:
    """Only the words that say back what was heard (no question), or None unless the side of life is
    clear enough (``safety_question_probability``) and, with *topic_needed*, the person named a topic
    in their own words (sleep, work, their mother…). The safety question starts with them: a person
    who shared something heavy first hears that they were listened to, then is asked directly."""
    check_language(lang)
    heard = hear(text, lang)
    sure = heard.probability >= float(settings()["mapping"]["safety_question_probability"])
    if heard.dimension is None or not sure or (topic_needed and heard.topic is None):
        return None
    thread = Thread(lang)
    _on_side(thread, heard)
    return _reflection(thread, text)


def answer(text: str, thread: Thread) -> Reply:
    """The reply to the person's answer inside a thread (see the module docstring)."""
    thread.open = True
    bank = _bank(thread.lang)
    objection = _objection(thread, text)
    if objection is not None:
        if thread.answers >= _questions_before_next_step() + 1:
            return _next_step(thread, text)
        return objection
    heard = hear(text, thread.lang)
    if thread.dimension is None:
        if heard.dimension:
            _on_side(thread, heard)
            return _send(thread, f"{_reflection(thread, text)} {_question(thread, text)}")
        thread.unclear_turns += 1
        if thread.unclear_turns > _questions_before_next_step():
            return _next_step(thread, text)
        return _send(thread, f"{_pick(bank['unclear']['reflect'], thread, text)} {_question(thread, text)}")
    if _turns_elsewhere(heard, text, thread):
        # The person turned to another side of life: follow them there.
        _on_side(thread, heard)
        return _send(thread, f"{_reflection(thread, text)} {_question(thread, text)}")
    if thread.direction is None and heard.dimension == thread.dimension:
        thread.direction = heard.direction
    thread.answers += 1
    if thread.answers >= _questions_before_next_step():
        return _next_step(thread, text)
    return _send(thread, f"{_pick(bank['acknowledge'], thread, text)} {_question(thread, text)}")
