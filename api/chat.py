"""The one door for chat: `POST /webhooks/rest/webhook` in the Rasa REST channel format.

Order per message: store it, check for crisis signals (before and independent of Rasa), then
either answer the crisis here or forward to Rasa, and store the replies. While a mentor holds the
conversation (bot/handover.py) the message is kept for the mentor and nothing goes to Rasa; the crisis
check still runs first.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.payloads import sanitise
from api.rasa_client import EngineUnavailable
from api.schemas import SENDER_PATTERN, ChatRequest
from bot.content import text as content_text
from bot.conversations import history, recent_user_texts, record_replies, record_user_message, touch_person
from bot.crisis import detect
from bot.escalation import open_case_for
from bot.handover import bot_paused_for
from bot.safety.dialogue import handle_control, parse_control, respond_to_crisis
from bot.storage.models import Message, Person

log = logging.getLogger(__name__)
router = APIRouter()


@dataclass(frozen=True)
class Incoming:
    """What the gateway knows about a message once it is stored."""

    country: str | None
    message_id: int
    context: list[str]  # the person's recent messages, for the crisis check
    paused: bool  # a mentor holds the conversation: the bot stays silent
    pending_crisis_severity: str | None  # the engine still has to be put into its crisis flow

# Rasa is told about a crisis with a short timeout: the person's reply never waits on it.
TRIGGER_TIMEOUT_S = 3.0


def _outgoing(sender: str, replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for reply in replies:
        item = {"recipient_id": sender}
        item.update({key: value for key, value in reply.items() if key != "recipient_id" and value is not None})
        out.append(item)
    return out


@router.post("/webhooks/rest/webhook")
async def webhook(body: ChatRequest, request: Request) -> Any:
    state = request.app.state
    language = body.metadata.language
    metadata = body.metadata.model_dump(exclude_none=True)

    def store_incoming() -> Incoming:
        # One database round trip gathers everything the rest of the turn needs to decide.
        with state.db.session() as session:
            person = touch_person(session, body.sender, language, body.metadata.country)
            message = record_user_message(session, person, body.message, language)
            context = recent_user_texts(session, person.id, before_id=message.id)
            case = open_case_for(session, person.id)
            if case is not None:
                # What made the open case keeps counting, however long ago it was said.
                context = [t.text for t in case.triggers[-2:] if t.text not in context] + context
            pending = (case.severity if case else "elevated") if person.dialogue_crisis_pending else None
            return Incoming(person.country, message.id, context, bot_paused_for(session, person.id), pending)

    incoming = await run_in_threadpool(store_incoming)
    message_id = incoming.message_id
    metadata.setdefault("country", incoming.country)

    control = parse_control(body.message)
    if control is not None:
        def answer_control() -> list[dict[str, Any]]:
            with state.db.session() as session:
                person_row = session.get(Person, body.sender)
                replies = handle_control(session, person_row, *control)
                _mark(session, message_id, "handled_by_gateway")
                record_replies(session, body.sender, replies, language)
                return replies

        return _outgoing(body.sender, await run_in_threadpool(answer_control))

    assessment = await run_in_threadpool(lambda: detect(body.message, language, context=incoming.context))
    if assessment.crisis:
        return await _crisis_turn(request, body, assessment, incoming)

    if incoming.paused:
        await run_in_threadpool(_mark_status, state.db, message_id, "held_for_mentor")
        return []  # a human is answering: the bot stays silent, the mentor's dashboard shows the message

    try:
        if incoming.pending_crisis_severity:
            await _enter_crisis_flow(request, body.sender, incoming.pending_crisis_severity)
        replies = await state.rasa.send(body.sender, sanitise(body.message), metadata)
    except EngineUnavailable as error:
        log.warning("dialogue engine unavailable for %s: %s", body.sender, error)
        await run_in_threadpool(_mark_status, state.db, message_id, "engine_unavailable")
        return _engine_unavailable()

    def store_replies() -> None:
        with state.db.session() as session:
            _mark(session, message_id, "forwarded")
            record_replies(session, body.sender, replies, language)

    await run_in_threadpool(store_replies)
    return _outgoing(body.sender, replies)


async def _crisis_turn(request: Request, body: ChatRequest, assessment, incoming: Incoming) -> list[dict[str, Any]]:
    state = request.app.state

    def escalate():
        with state.db.session() as session:
            person = session.get(Person, body.sender)
            outcome = respond_to_crisis(
                session, person, assessment, text=body.message, message_id=incoming.message_id, source="gateway"
            )
            person.dialogue_crisis_pending = True
            _mark(session, incoming.message_id, "handled_by_gateway")
            record_replies(session, body.sender, outcome.replies, body.metadata.language)
            return outcome

    outcome = await run_in_threadpool(escalate)
    # Put the dialogue into its crisis flow; if Rasa is down, the flag makes the gateway retry first
    # thing on the next message. While a mentor holds the conversation the engine is paused: the
    # flag waits until the mentor hands back.
    if not incoming.paused:
        await _enter_crisis_flow(request, body.sender, outcome.severity, swallow=True)
    return _outgoing(body.sender, outcome.replies)


async def _enter_crisis_flow(request: Request, sender: str, severity: str, swallow: bool = False) -> None:
    """Put the dialogue into its crisis flow and clear the person's pending flag; if the engine is
    down the flag stays, so the next message tries again before anything else reaches the engine."""
    state = request.app.state
    try:
        # The engine's own crisis-flow messages are dropped: the gateway already answered.
        await state.rasa.trigger_intent(
            sender, "crisis_detected", {"crisis_severity": severity},
            timeout_s=TRIGGER_TIMEOUT_S,
        )
    except EngineUnavailable as error:
        if swallow:
            log.warning("could not put %s's dialogue into the crisis flow yet: %s", sender, error)
            return
        raise

    def clear() -> None:
        with state.db.session() as session:
            person = session.get(Person, sender)
            if person is not None:
                person.dialogue_crisis_pending = False

    await run_in_threadpool(clear)


def _engine_unavailable() -> JSONResponse:
    return JSONResponse(
        status_code=503,
        content={
            "error": {
                "code": "engine_unavailable",
                "message_en": content_text("en", "gateway.engine_unavailable"),
                "message_nl": content_text("nl", "gateway.engine_unavailable"),
            },
            "stored": True,
        },
    )


def _mark(session, message_id: int, status: str) -> None:
    message = session.get(Message, message_id)
    if message is not None:
        message.status = status


def _mark_status(db, message_id: int, status: str) -> None:
    with db.session() as session:
        _mark(session, message_id, status)


@router.get("/api/conversations/{sender}/messages")
async def conversation_history(sender: str, request: Request) -> dict[str, Any]:
    import re

    if not re.match(SENDER_PATTERN, sender):
        raise HTTPException(status_code=422, detail="invalid sender id")

    def load() -> list[dict[str, Any]] | None:
        with request.app.state.db.session() as session:
            if session.get(Person, sender) is None:
                return None
            return history(session, sender)

    messages = await run_in_threadpool(load)
    if messages is None:
        raise HTTPException(status_code=404, detail="no conversation with this id")
    return {"messages": messages}
