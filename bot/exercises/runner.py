"""Running an exercise as a conversation: picks the right machine, keeps its state in the database
between messages, stores what it produced, and asks afterwards whether it helped."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import section
from bot.exercises import focusing, guided, lifeline
from bot.steps import DONE, RUNNING, STOPPED, Step
from bot.storage.models import ExerciseSession, Lifeline, utcnow

LIFELINE_URL = "/charts/lifeline/{public_id}.png"
ACTIVE = (RUNNING, "awaiting_feedback")


def active_session(session: Session, person_id: str) -> ExerciseSession | None:
    return session.scalars(
        select(ExerciseSession)
        .where(ExerciseSession.person_id == person_id, ExerciseSession.status.in_(ACTIVE))
        .order_by(ExerciseSession.id.desc())
    ).first()


def lifeline_of(session: Session, person_id: str) -> Lifeline | None:
    return session.scalars(select(Lifeline).where(Lifeline.person_id == person_id)).first()


def feedback_history(session: Session, person_id: str) -> list[tuple[str, int]]:
    rows = session.execute(
        select(ExerciseSession.exercise_id, ExerciseSession.feedback)
        .where(ExerciseSession.person_id == person_id, ExerciseSession.feedback.is_not(None))
        .order_by(ExerciseSession.id)
    ).all()
    return [(exercise_id, score) for exercise_id, score in rows]


class ExerciseConversation:
    def __init__(self, session: Session, person_id: str, lang: str) -> None:
        self.session = session
        self.person_id = person_id
        self.lang = lang
        self.record = active_session(session, person_id)

    # ------------------------------------------------------------------ entry points
    def begin(self, exercise_id: str, version: str = "short") -> Step:
        if self.record is not None:  # one exercise at a time: a new start replaces an unfinished one
            self.record.status = STOPPED
        self.record = ExerciseSession(person_id=self.person_id, exercise_id=exercise_id, language=self.lang)
        self.session.add(self.record)
        self.session.flush()
        if exercise_id == "lifeline":
            existing = lifeline_of(self.session, self.person_id)
            step = lifeline.start(self.lang, existing_points=list(existing.points) if existing else None,
                                  picture_url=self._lifeline_url)
        elif exercise_id == "focusing":
            step = focusing.start(self.lang, version=version)
        else:
            step = guided.start(exercise_id, self.lang)
        return self._keep(step)

    def answer(self, text: str) -> Step:
        if self.record is None:
            return Step(status=DONE)
        if self.record.status == "awaiting_feedback":
            return self._feedback(text)
        state = dict(self.record.state or {})
        if self.record.exercise_id == "lifeline":
            step = lifeline.advance(state, text, self.lang, picture_url=self._lifeline_url)
        elif self.record.exercise_id == "focusing":
            step = focusing.advance(state, text, self.lang)
        else:
            step = guided.advance(state, text, self.lang)
        return self._keep(step)

    # ------------------------------------------------------------------ internals
    def _keep(self, step: Step) -> Step:
        self.record.state = step.state
        self.record.updated_at = utcnow()
        if step.result is not None:
            self.record.result = step.result
            if self.record.exercise_id == "lifeline":
                self._save_lifeline(step.result)
        if step.status == DONE:
            # The exercise asked "did this help?" as its last message: the next answer is feedback.
            self.record.status = "awaiting_feedback" if self.record.exercise_id != "lifeline" else DONE
            if self.record.status == DONE:
                return step
            return Step(messages=step.messages, state=step.state, status=RUNNING, result=step.result)
        self.record.status = step.status
        self.session.flush()
        return step

    def _feedback(self, text: str) -> Step:
        score = guided.parse_feedback(text, self.lang)
        self.record.feedback = score
        self.record.status = DONE
        self.record.updated_at = utcnow()
        reply = Step(status=DONE)
        texts = section(self.lang, "exercises")["feedback"]
        reply.say(texts["thanks"] if score is not None else texts["skipped"])
        return reply

    def _lifeline_url(self, _state: Any = None) -> str:
        return LIFELINE_URL.format(public_id=self._lifeline_row().public_id)

    def _lifeline_row(self) -> Lifeline:
        row = lifeline_of(self.session, self.person_id)
        if row is None:
            row = Lifeline(public_id=uuid.uuid4().hex, person_id=self.person_id, language=self.lang)
            self.session.add(row)
            self.session.flush()
        return row

    def _save_lifeline(self, result: dict[str, Any]) -> None:
        row = self._lifeline_row()
        if result.get("points") is not None:
            row.points = list(result["points"])
        if result.get("reflections"):
            row.reflections = {**(row.reflections or {}), **result["reflections"]}
        row.language = self.lang
        row.updated_at = utcnow()
