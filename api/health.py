"""`GET /health`: honest about each component, and fast even while Rasa is still loading."""
from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api.deps import database
from bot.config import actions_warm_marker

router = APIRouter()


def _process_alive(pid_file: Path) -> bool:
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
        return True
    except (OSError, ValueError):
        return False


async def _engine_states(request: Request) -> list[str]:
    state = request.app.state
    try:
        answers = await asyncio.wait_for(state.rasa.ping_each(timeout_s=0.5), timeout=0.8)
    except TimeoutError:
        answers = {}
    # Rasa opens its port only after the model is loaded: a live process without a port is loading.
    return ["ok" if answers.get(url) else "loading" if _process_alive(pid_file) else "down"
            for url, pid_file in zip(state.rasa.base_urls, state.rasa_pid_files, strict=True)]


def _overall(engines: list[str]) -> str:
    """One engine's state, or for several: ok when all are, degraded while some answer."""
    if all(engine == engines[0] for engine in engines):
        return engines[0]
    return "degraded" if "ok" in engines else "loading" if "loading" in engines else "down"


# A busy action server (it fits the reflection mapping while it starts, on 2 cores beside Rasa) can
# take more than half a second to answer; that is slow, not down. CI once read "down" a moment after
# the stack had reported ready.
ACTIONS_TIMEOUT_S = 2.0


async def action_server_up(action_url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=ACTIONS_TIMEOUT_S) as client:
            response = await client.get(action_url + "/health")
        return response.status_code == 200
    except httpx.HTTPError:
        return False


def _actions_warming(var_dir: Path) -> bool:
    """The action server scripts/stack.py started lives but has not finished loading its models."""
    pid_file = var_dir / "run" / "actions.pid"
    if not _process_alive(pid_file):
        return False   # not started by the stack here (another host): its /health is all we know
    marker = actions_warm_marker(var_dir)
    # Written by its worker process (another pid): it counts when written after this server started.
    return not marker.exists() or marker.stat().st_mtime < pid_file.stat().st_mtime


async def _actions_state(request: Request) -> str:
    settings = request.app.state.settings
    if not await action_server_up(settings.action_url):
        return "down"
    return "loading" if _actions_warming(settings.var_dir) else "ok"


async def _database_state(request: Request) -> str:
    try:
        ok = await asyncio.wait_for(run_in_threadpool(database(request).ping), timeout=0.8)
    except TimeoutError:
        ok = False
    return "ok" if ok else "down"


@router.get("/health")
async def health(request: Request) -> dict:
    database, engines, actions = await asyncio.gather(
        _database_state(request), _engine_states(request), _actions_state(request)
    )
    api = "ok" if request.app.state.warm.is_set() else "loading"
    components = {"api": api, "database": database, "rasa": _overall(engines), "actions": actions}
    crisis = request.app.state.crisis_detector_state()
    status = "ok" if all(value == "ok" for value in components.values()) else "degraded"
    body = {"status": status, "components": components, "crisis_detector": crisis}
    if len(engines) > 1:
        body["engines"] = engines   # in RASA_URLS order
    return body
