"""What a route needs from the application, in one place: the database, and a unit of work on it
run off the event loop (SQLAlchemy sessions are synchronous)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.storage import Database

T = TypeVar("T")


def database(request: Request) -> Database:
    return request.app.state.db


def in_session(request: Request, work: Callable[[Session], T]) -> Awaitable[T]:
    """Run ``work(session)`` in a worker thread, in one transaction."""
    def inner() -> T:
        with database(request).session() as session:
            return work(session)
    return run_in_threadpool(inner)
