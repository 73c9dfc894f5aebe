"""Suggestions from what we know of the person: their latest check-in findings (with history),
the values they named, and how they rated exercises before."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.exercises import suggest
from bot.exercises.runner import feedback_history
from bot.wellbeing import checkins, findings
from bot.wellbeing.model import DIMENSIONS


def person_context(session: Session, person_id: str) -> tuple[list[findings.Finding], dict[str, list[str]]]:
    done = [checkins.as_checkin(r) for r in checkins.completed(session, person_id)]
    if not done:
        return [], {}
    current, earlier = done[-1], done[:-1]
    values = {}
    for dimension in DIMENSIONS:
        answer = current.answer(dimension)
        if answer is not None and answer.values:
            values[dimension] = list(answer.values)
    return findings.with_history(current, earlier), values


def suggestions_for(session: Session, person_id: str, lang: str, request: str | None = None, limit: int = 2):
    found, values = person_context(session, person_id)
    return suggest.suggest(found, values, feedback_history(session, person_id), lang, request=request, limit=limit)


def suggestion_message(session: Session, person_id: str, lang: str, request: str | None = None) -> dict[str, Any]:
    return suggest.offer_message(suggestions_for(session, person_id, lang, request), lang)
