"""The check-in as a conversation: one question at a time, any answer skippable, "pause" at every
step, and a paused check-in resumes where it stopped, also days later.

State lives in the database (bot/wellbeing/checkins.py), not in the dialogue engine, so resuming does not
depend on Rasa's tracker. The Rasa form is a thin loop that hands every answer to `CheckinConversation`.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any

from sqlalchemy.orm import Session

from bot.content import section
from bot.exercises import suggest
from bot.exercises.runner import feedback_history
from bot.exercises.suggest import start_payload
from bot.safety import peers
from bot.steps import Step  # a check-in ends "paused" or "complete"
from bot.text import one_line
from bot.wellbeing import answers, checkins, findings, reflection
from bot.wellbeing.answers import Kind
from bot.wellbeing.chart import radar_alt_text
from bot.wellbeing.model import DIMENSIONS, CheckIn, DimensionAnswer, dimension, thresholds

RATING_STEPS = ("investment", "fulfilment")
CHART_URL = "/charts/checkin/{public_id}/radar.png"


def _texts(lang: str) -> dict[str, Any]:
    return section(lang, "checkin")


def _words_match(text: str, words: list[str]) -> bool:
    cleaned = re.sub(r"[^\w\s']", " ", text.lower()).strip()
    cleaned = one_line(cleaned)
    return any(cleaned == w or cleaned.startswith(w + " ") for w in words)


class CheckinConversation:
    def __init__(self, session: Session, person_id: str, lang: str) -> None:
        self.session = session
        self.person_id = person_id
        self.lang = lang
        self.texts = _texts(lang)
        self.record = checkins.unfinished(session, person_id)

    # ------------------------------------------------------------------ entry points
    def begin(self) -> Step:
        """Start a check-in, or offer to resume the one that was paused."""
        turn = Step()
        if self.record is not None and self.record.position.get("step"):
            self.record.position = {**self.record.position, "resume_from": self.record.position.get("step"),
                                    "step": "resume"}
            self._save()
            area = dimension(DIMENSIONS[self.record.position.get("index", 0)], self.lang).area
            turn.say(self.texts["resume"].format(area=area), buttons=self._resume_buttons())
            return turn
        returning = bool(checkins.completed(self.session, self.person_id))
        self._fresh()
        turn.say(self.texts["intro_returning" if returning else "intro"])
        self._ask(turn, with_transition=True)
        return turn

    def answer(self, text: str) -> Step:
        if self.record is None:
            return self.begin()
        turn = Step()
        step = self.record.position.get("step")
        handler = {
            "resume": self._on_resume, "investment": self._on_rating, "fulfilment": self._on_rating,
            "values": self._on_values, "reflection": self._on_reflection, "confirm": self._on_confirm,
        }.get(step, self._on_resume)
        handler(text.strip(), turn)
        return turn

    def _resume_buttons(self) -> list[dict[str, str]]:
        labels = self.texts["resume_buttons"]
        return [{"title": labels[key], "payload": labels[key]} for key in ("carry_on", "start_fresh")]

    def understands(self, text: str) -> bool:
        """Whether `text` is a recognisable answer to the current question (a number, a value, skip,
        pause). Free-text reflections are not: those are the person's own words."""
        if self.record is None:
            return False
        step = self.record.position.get("step")
        if step in RATING_STEPS:
            return answers.parse_rating(text, self.lang).kind is not Kind.NOT_UNDERSTOOD
        if step == "values":
            return answers.parse_values(text, self.dim, self.lang).kind is not Kind.NOT_UNDERSTOOD
        return step in ("resume", "confirm") and len(text.split()) <= 4

    # ------------------------------------------------------------------ state
    @property
    def index(self) -> int:
        return int(self.record.position.get("index", 0))

    @property
    def dim(self) -> str:
        return DIMENSIONS[self.index]

    def _checkin(self) -> CheckIn:
        return checkins.as_checkin(self.record)

    def _current_answer(self) -> DimensionAnswer:
        return self._checkin().answer(self.dim) or DimensionAnswer(dimension=self.dim)

    def _set_answer(self, **changes: Any) -> None:
        checkin = self._checkin()
        answer = dataclasses.replace(self._current_answer(), **changes)
        checkin.answers[self.dim] = answer
        self._save(checkin=checkin)

    def _save(self, checkin: CheckIn | None = None, status: str = "in_progress") -> None:
        extra = {key: value for key, value in (self.record.data or {}).items() if key not in ("answers", "taken_at")}
        checkins.save(self.session, self.record, checkin or self._checkin(), self.record.position, status)
        self.record.data = {**self.record.data, **extra}

    def _move(self, **position: Any) -> None:
        self.record.position = {**self.record.position, **position}
        self._save()

    def _fresh(self) -> None:
        if self.record is None:
            self.record = checkins.start(self.session, self.person_id, self.lang)
        self.record.data = CheckIn(taken_at=self.record.started_at).to_dict()
        self.record.position = {"index": 0, "step": "investment"}
        self._save()

    # ------------------------------------------------------------------ asking
    def _ask(self, turn: Step, with_transition: bool = False) -> None:
        step = self.record.position["step"]
        question = answers.question(self.dim, step, self.lang)
        if with_transition:
            turn.say(answers.transition(self.dim, self.lang))
        labels = self.texts["buttons"]
        controls = [{"title": labels["skip"], "payload": labels["skip"]},
                    {"title": labels["pause"], "payload": labels["pause"]}]
        if step in RATING_STEPS:
            numbers = [{"title": str(n), "payload": str(n)} for n in range(11)]
            turn.say(question, buttons=numbers + controls)
        elif step == "values":
            values = [{"title": v.label, "payload": v.label} for v in dimension(self.dim, self.lang).values]
            turn.say(question, buttons=values + controls)
        else:
            turn.say(question, buttons=controls)

    def _pause(self, turn: Step) -> None:
        self._save(status="paused")
        turn.say(self.texts["pause"])
        turn.status = "paused"

    # ------------------------------------------------------------------ answering
    def _on_resume(self, text: str, turn: Step) -> None:
        words = self.texts["dialogue"]
        labels = self.texts["resume_buttons"]
        if _words_match(text, words["fresh_words"] + [labels["start_fresh"].lower()]):
            self._fresh()
            turn.say(self.texts["intro_returning"])
            self._ask(turn, with_transition=True)
        elif (_words_match(text, words["carry_on_words"] + [labels["carry_on"].lower()])
              or answers.parse_rating(text, self.lang).is_value):
            self._move(step=self.record.position.get("resume_from") or "investment")
            if self.record.position["step"] == "confirm":
                self._move(step="reflection")
            self._ask(turn, with_transition=True)
        elif answers.is_pause(text, self.lang):
            self._pause(turn)
        else:
            turn.say(words["resume_not_understood"], buttons=self._resume_buttons())

    def _on_rating(self, text: str, turn: Step) -> None:
        step = self.record.position["step"]
        rating = answers.parse_rating(text, self.lang)
        if rating.kind is Kind.PAUSE:
            return self._pause(turn)
        if rating.kind is Kind.NOT_UNDERSTOOD:
            turn.say(self.texts["replies"]["unsure" if rating.hint == "unsure" else "not_understood"])
            return self._ask(turn)
        self._set_answer(**{step: rating.value if rating.is_value else None})
        self._move(step="fulfilment" if step == "investment" else "values")
        self._ask(turn)

    def _on_values(self, text: str, turn: Step) -> None:
        choice = answers.parse_values(text, self.dim, self.lang)
        if choice.kind is Kind.PAUSE:
            return self._pause(turn)
        if choice.kind is Kind.NOT_UNDERSTOOD:
            turn.say(self.texts["replies"]["values_not_understood"])
            return self._ask(turn)
        if choice.kind is Kind.VALUE:
            self._set_answer(values=choice.values, other_value=choice.other_value)
        self._move(step="reflection")
        self._ask(turn)

    def _on_reflection(self, text: str, turn: Step) -> None:
        if answers.is_pause(text, self.lang):
            return self._pause(turn)
        if answers.is_skip(text, self.lang) or not text:
            return self._next_dimension(turn)
        self._set_answer(reflection=text)
        mapped = [d for d, _score in reflection.map_reflection(text, self.lang)][:2]
        self._move(step="confirm", candidates=mapped)
        words = self.texts["dialogue"]
        buttons = [{"title": words["confirm_yes"], "payload": words["confirm_yes"]}] if mapped else []
        buttons += [{"title": dimension(d, self.lang).name, "payload": dimension(d, self.lang).name}
                    for d in DIMENSIONS if d not in mapped]
        buttons.append({"title": words["confirm_other"], "payload": words["confirm_other"]})
        turn.say(self.texts["replies"]["reflection_thanks"])
        turn.say(reflection.confirmation_question(mapped, self.lang), buttons=buttons)

    def _on_confirm(self, text: str, turn: Step) -> None:
        if answers.is_pause(text, self.lang):
            return self._pause(turn)
        words = self.texts["dialogue"]
        candidates = list(self.record.position.get("candidates") or [])
        lowered = text.lower()
        named = [d for d in DIMENSIONS if dimension(d, self.lang).name.lower() in lowered]
        if named:
            confirmed = named
        elif candidates and (_words_match(text, [words["confirm_yes"].lower(), "yes", "ja", "klopt", "right"])):
            confirmed = candidates
        else:
            confirmed = []
        tags = dict(self.record.data.get("reflection_dimensions") or {})
        tags[self.dim] = confirmed
        self.record.data = {**self.record.data, "reflection_dimensions": tags}
        turn.say(words["confirm_thanks"] if confirmed else words["confirm_none"])
        self._next_dimension(turn)

    def _next_dimension(self, turn: Step) -> None:
        turn.say(answers.between_text(self._checkin().answer(self.dim), self.lang))
        if self.index + 1 < len(DIMENSIONS):
            self._move(index=self.index + 1, step="investment", candidates=[])
            return self._ask(turn, with_transition=True)
        self._complete(turn)

    def _complete(self, turn: Step) -> None:
        self.record.position = {}
        self._save(status="complete")
        current = self._checkin()
        history = [checkins.as_checkin(r) for r in checkins.completed(self.session, self.person_id)
                   if r.id != self.record.id]
        found = findings.with_history(current, history)
        previous = history[-1] if history else None
        turn.say(self.texts["closing"])
        turn.messages.append({
            "text": radar_alt_text(current, previous, self.lang),
            "image": CHART_URL.format(public_id=self.record.public_id),
        })
        turn.say(self.texts["summary"]["intro"])
        for sentence in findings.summarise(found, self.lang, current):
            turn.say(sentence)
        turn.say(self.texts["closing_reminder"])
        turn.messages.append(next_step_offer(findings.focus_dimension(found), self.lang,
                                             self._suggestions(current, found), low_bond_dimension(current)))
        turn.status = "complete"

    def _suggestions(self, current: CheckIn, found: list[findings.Finding]) -> list[Any]:

        values = {d: list(a.values) for d in DIMENSIONS if (a := current.answer(d)) is not None and a.values}
        return suggest.suggest(found, values, feedback_history(self.session, self.person_id), self.lang, limit=2)


def low_bond_dimension(checkin: CheckIn) -> str | None:
    """The social or spiritual dimension (thresholds.yml, `peers`) that gives the person little
    back, lowest first; None when neither does or both were skipped."""
    spec = thresholds()["peers"]
    low = [(a.fulfilment, d) for d in spec["dimensions"]
           if (a := checkin.answer(d)) is not None and a.fulfilment is not None
           and a.fulfilment <= spec["max_fulfilment"]]
    return min(low)[1] if low else None


def next_step_offer(focus: str | None, lang: str, suggestions: list[Any] = (),
                    low_bond: str | None = None) -> dict[str, Any]:
    """Only steps that exist: an exercise chosen from the findings, a closer look at one dimension,
    people who have been there (when `low_bond` names a dimension that gives little back), or
    coming back later (my map keeps the answers)."""
    words = _texts(lang)["dialogue"]
    buttons = [{"title": s.title, "payload": start_payload(s.exercise_id)} for s in suggestions]
    if focus:
        name = dimension(focus, lang).name
        buttons.append({"title": words["next_look_closer"].format(name=name),
                        "payload": f'/look_closer{{"dimension":"{focus}"}}'})
    if low_bond:
        buttons.append(peers.button(lang))
    buttons.append({"title": words["next_later"], "payload": "/checkin_later"})
    text = words["next_offer"]
    if suggestions:
        text = " ".join([text] + [s.reason for s in suggestions])
    if low_bond:
        text = " ".join([text, " ".join(section(lang, "peers")["checkin_offer"].split()).format(
            area=dimension(low_bond, lang).area)])
    return {"text": text, "buttons": buttons,
            "custom": {"link": {"href": "/my-map", "title": words["next_my_map"]}}}


def look_closer(dimension_id: str | None, lang: str) -> str:
    if dimension_id not in DIMENSIONS:
        dimension_id = DIMENSIONS[0]
    d = dimension(dimension_id, lang)
    return one_line(_texts(lang)["dialogue"]["look_closer"].format(
        description=d.description.strip(), too_little=d.too_little.strip(), too_much=d.too_much.strip()))


def later(lang: str) -> str:
    return one_line(_texts(lang)["dialogue"]["later"])
