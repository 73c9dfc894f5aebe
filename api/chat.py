"""The one door for chat: `POST /webhooks/rest/webhook` in the Rasa REST channel format.

Order per message: store it, check for crisis signals (before and independent of Rasa), then
either answer the crisis here, ask the direct safety question (the detector's middle band,
bot/safety/check.py), take the answer to that question, or forward to Rasa, and store the replies. While a mentor holds the
conversation (bot/mentoring/handover.py) the message is kept for the mentor and nothing goes to Rasa; the crisis
check still runs first.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.deps import database
from api.health import action_server_up
from api.payloads import sanitise
from api.rasa_client import EngineUnavailable
from api.schemas import ChatRequest, SenderId, error_responses
from bot.content import text as content_text
from bot.crisis import detect
from bot.exercises.suggest import named_exercise, start_payload
from bot.mentoring.escalation import open_case_for
from bot.mentoring.handover import bot_paused_for
from bot.pseudonyms import pseudonym
from bot.safety import check as safety_check
from bot.safety import database_down
from bot.safety.dialogue import handle_control, parse_control, respond_to_crisis
from bot.storage.conversations import history, recent_user_texts, record_replies, record_user_message, touch_person
from bot.storage.db import UNREACHABLE
from bot.storage.models import Message, Person, SafetyCheck

log = logging.getLogger(__name__)
router = APIRouter(responses=error_responses(400, 413, 422, 429, 503))


@dataclass(frozen=True)
class Incoming:
    """What the gateway knows about a message once it is stored."""

    country: str | None
    message_id: int
    context: list[str]  # the person's recent messages, for the crisis check
    paused: bool  # a mentor holds the conversation: the bot stays silent
    pending_crisis_severity: str | None  # the engine still has to be put into its crisis flow
    safety_answer: str | None  # this message answers an open safety question: yes | unsure | no

# Rasa is told about a crisis with a short timeout: the person's reply never waits on it.
TRIGGER_TIMEOUT_S = 3.0


def _outgoing(sender: str, replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for reply in replies:
        item = {"recipient_id": sender}
        item.update({key: value for key, value in reply.items() if key != "recipient_id" and value is not None})
        out.append(item)
    return out


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _store_incoming(db, body: ChatRequest) -> Incoming:
    # One database round trip gathers everything the rest of the turn needs to decide.
    with db.session() as session:
        person = touch_person(session, body.sender, body.metadata.language, body.metadata.country)
        message = record_user_message(session, person, body.message, body.metadata.language)
        context = recent_user_texts(session, person.id, before_id=message.id)
        case = open_case_for(session, person.id)
        if case is not None:
            # What made the open case keeps counting, however long ago it was said.
            context = [t.text for t in case.triggers[-2:] if t.text not in context] + context
        pending = (case.severity if case else "elevated") if person.dialogue_crisis_pending else None
        answer = safety_check.parse_payload(body.message)
        if answer is None and safety_check.latest_open(session, person.id, fresh=True) is not None:
            answer = safety_check.typed_answer(body.message, body.metadata.language)
        return Incoming(person.country, message.id, context, bot_paused_for(session, person.id), pending,
                        answer)


@router.post("/webhooks/rest/webhook")
async def webhook(body: ChatRequest, request: Request) -> Any:
    state = request.app.state
    language = body.metadata.language
    metadata = body.metadata.model_dump(exclude_none=True)
    if not state.limits.allow_message(_address(request), body.sender):
        # Too many messages: refused, unless this one carries a crisis signal (never withheld).
        urgent = await run_in_threadpool(lambda: detect(body.message, language))
        if not (urgent.crisis or urgent.ask):
            return _too_many_messages()

    try:
        incoming = await run_in_threadpool(_store_incoming, state.db, body)
    except UNREACHABLE as error:
        return await _database_down_turn(request, body, error)
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

    if incoming.safety_answer is not None:
        return await _safety_answer_turn(request, body, incoming, metadata)

    if incoming.paused:
        await run_in_threadpool(_mark_status, state.db, message_id, "held_for_mentor")
        return []  # a human is answering: the bot stays silent, the mentor's dashboard shows the message

    async def ask_first() -> Any | None:
        def ask() -> list[dict[str, Any]] | None:
            with state.db.session() as session:
                person = session.get(Person, body.sender)
                asked = safety_check.ask(session, person, assessment, message_id=message_id, source="gateway",
                                         text=body.message)
                if asked is None:
                    return None  # they said no to this kind of message not long ago: go on
                _mark(session, message_id, "held_for_safety_check")
                record_replies(session, body.sender, asked, language)
                return asked

        asked = await run_in_threadpool(ask)
        return None if asked is None else _outgoing(body.sender, asked)

    # Only just asked by the classifier about what the listening mapping surely hears as a side of
    # life: the engine's reflective thread answers (its own crisis intent may still ask); if the
    # engine cannot, the question is asked after all.
    listen = assessment.ask and await run_in_threadpool(safety_check.heard_as_reflection, assessment,
                                                        body.message, language)
    if assessment.ask and not listen:
        asked = await ask_first()
        if asked is not None:
            return asked

    # An exercise asked for by name ("a thought record") starts at once, as its button would.
    named = named_exercise(body.message, language)
    forwarded = start_payload(named) if named else body.message
    return await _forward(request, body.sender, forwarded, message_id, metadata, language,
                          incoming.pending_crisis_severity, if_engine_down=ask_first if listen else None)


async def _forward(request: Request, sender: str, text: str, message_id: int, metadata: dict[str, Any],
                   language: str, pending_crisis: str | None, before: list[dict[str, Any]] | None = None,
                   if_engine_down: Callable[[], Awaitable[Any]] | None = None) -> Any:
    """Send a stored message to the engine (into its crisis flow first when that is still pending)
    and store its replies, after *before* if given; *if_engine_down* answers instead when the engine
    cannot (None from it: the usual engine-down reply)."""
    state = request.app.state
    before = before or []
    try:
        if pending_crisis:
            await _enter_crisis_flow(request, sender, pending_crisis)
        replies = await state.rasa.send(sender, sanitise(text), metadata)
    except EngineUnavailable as error:
        log.warning("dialogue engine unavailable for %s: %s", pseudonym(sender), error)
        instead = await if_engine_down() if if_engine_down is not None else None
        if instead is not None:
            return instead
        await run_in_threadpool(_mark_status, state.db, message_id, "engine_unavailable")
        if before:
            # The person has an answer already (thanks after "no"); invite them to go on.
            replies = before + [safety_check.tell_more(language)]
            await run_in_threadpool(_store_replies, state.db, sender, None, replies, language)
            return _outgoing(sender, replies)
        return _unavailable("engine_unavailable")

    if not replies and not await action_server_up(state.settings.action_url):
        # The engine answers without the action server, but only with silence where an action
        # should have spoken: say so kindly instead of leaving the person waiting.
        log.warning("action server down: %s got no reply", pseudonym(sender))
        replies = [{"text": content_text(language, "gateway.actions_unavailable")}]
    await run_in_threadpool(_store_replies, state.db, sender, message_id, before + replies, language)
    return _outgoing(sender, before + replies)


async def _database_down_turn(request: Request, body: ChatRequest, error: Exception) -> Any:
    """The database cannot be reached: answer from the detector alone (help lines for a crisis), keep
    the turn in the local spool; the app writes it back when the database answers again."""
    language, country = body.metadata.language, body.metadata.country
    log.error("database unreachable (%s): %s answered by the gateway alone, turn spooled",
              type(error).__name__, pseudonym(body.sender))
    reply = await run_in_threadpool(database_down.answer, body.message, language, country)
    await run_in_threadpool(request.app.state.spool.add,
                            database_down.spool_entry(body.sender, body.message, language, country, reply))
    if reply.crisis:
        return _outgoing(body.sender, reply.replies)
    return _unavailable("database_unavailable")


def _store_replies(db, sender: str, message_id: int | None, replies: list[dict[str, Any]], language: str) -> None:
    with db.session() as session:
        if message_id is not None:
            _mark(session, message_id, "forwarded")
        record_replies(session, sender, replies, language)


def _escalate(session, sender: str, assessment, *, text: str, message_id: int, mark_id: int, language: str,
              source: str, may_open_case=None):
    """The full crisis response: case, help lines, the engine to be put into its crisis flow."""
    person = session.get(Person, sender)
    safety_check.supersede_open(session, person.id)
    outcome = respond_to_crisis(session, person, assessment, text=text, message_id=message_id, source=source,
                                may_open_case=may_open_case)
    person.dialogue_crisis_pending = True
    _mark(session, mark_id, "handled_by_gateway")
    record_replies(session, sender, outcome.replies, language)
    return outcome


async def _safety_answer_turn(request: Request, body: ChatRequest, incoming: Incoming,
                              metadata: dict[str, Any]) -> Any:
    """The person answered the safety question: "yes"/"not sure" -> the full crisis response;
    "no" -> thanks, and the message that raised the question goes on to the engine."""
    state = request.app.state
    language = body.metadata.language
    answer = incoming.safety_answer

    def take_answer():
        with state.db.session() as session:
            check = safety_check.latest_open(session, body.sender)
            if check is None:
                # A button of an old question: take a yes seriously all the same.
                check = SafetyCheck(person_id=body.sender, source="gateway", kind="unknown",
                                    severity=safety_check.FLOOR_SEVERITY, signals=[])
                session.add(check)
            safety_check.record_answer(check, answer)
            session.flush()
            original = session.get(Message, check.message_id) if check.message_id else None
            if answer in safety_check.ESCALATING:
                outcome = _escalate(
                    session, body.sender, safety_check.escalation_assessment(check, language),
                    text=original.text if original is not None else body.message,
                    message_id=original.id if original is not None else incoming.message_id,
                    mark_id=incoming.message_id, language=language, source="safety_check",
                    may_open_case=lambda: state.limits.allow_case(_address(request)),
                )
                return "crisis", outcome
            _mark(session, incoming.message_id, "handled_by_gateway")
            forward = (original.id, original.text) if original is not None and check.source == "gateway" else None
            return "no", forward

    kind, result = await run_in_threadpool(take_answer)
    if kind == "crisis":
        if not incoming.paused:
            await _enter_crisis_flow(request, body.sender, result.severity, swallow=True)
        return _outgoing(body.sender, result.replies)
    thanks = [safety_check.thanks_for_no(language)]
    if result is None or incoming.paused:
        replies = thanks + [safety_check.tell_more(language)]
        await run_in_threadpool(_store_replies, state.db, body.sender, None, replies, language)
        return _outgoing(body.sender, replies)
    original_id, original_text = result
    return await _forward(request, body.sender, original_text, original_id, metadata, language,
                          incoming.pending_crisis_severity, before=thanks)


async def _crisis_turn(request: Request, body: ChatRequest, assessment, incoming: Incoming) -> list[dict[str, Any]]:
    state = request.app.state

    def escalate():
        with state.db.session() as session:
            return _escalate(session, body.sender, assessment, text=body.message, message_id=incoming.message_id,
                             mark_id=incoming.message_id, language=body.metadata.language, source="gateway",
                             may_open_case=lambda: state.limits.allow_case(_address(request)))

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
            log.warning("could not put %s's dialogue into the crisis flow yet: %s", pseudonym(sender), error)
            return
        raise

    def clear() -> None:
        with state.db.session() as session:
            person = session.get(Person, sender)
            if person is not None:
                person.dialogue_crisis_pending = False

    await run_in_threadpool(clear)


def _too_many_messages() -> JSONResponse:
    return JSONResponse(
        status_code=429, headers={"Retry-After": "60"},
        content={"error": {"code": "too_many_messages",
                           "message_en": content_text("en", "gateway.too_many_messages"),
                           "message_nl": content_text("nl", "gateway.too_many_messages")},
                 "stored": False},
    )


def _unavailable(code: str) -> JSONResponse:
    """503 in both languages (the text under gateway.<code>): the message was kept, try again later."""
    return JSONResponse(
        status_code=503,
        content={
            "error": {
                "code": code,
                "message_en": content_text("en", f"gateway.{code}"),
                "message_nl": content_text("nl", f"gateway.{code}"),
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
async def conversation_history(sender: SenderId, request: Request) -> dict[str, Any]:
    """An unknown id gets the same answer as an id with nothing said yet: no oracle for which ids exist."""

    def load() -> list[dict[str, Any]]:
        with database(request).session() as session:
            return history(session, sender) if session.get(Person, sender) is not None else []

    return {"messages": await run_in_threadpool(load)}


@router.post("/api/ids", status_code=201)
async def issue_id() -> dict[str, str]:
    """A fresh anonymous id (128 random bits) for a client that cannot make one itself."""
    import secrets

    return {"id": secrets.token_hex(16)}
