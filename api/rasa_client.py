"""Talking to the Rasa engines over HTTP: the REST channel for chat, the HTTP API for control.

One engine by default. With several (``RASA_URLS``), each conversation has a home engine chosen by a
stable hash of its id, so every gateway process sends it to the same place; when that engine cannot
be reached the turn goes to the next one. That is safe because the engines share the tracker store
(PostgreSQL) and a lock store (Redis) that serialises one conversation's turns across engines.

A turn is only retried where the engine cannot have handled it: it refused the connection, dropped
it without an answer (killed mid-turn: Rasa saves the tracker only after the turn), or a proxy said
it is not there (502-504). A turn that timed out is not retried: the engine may still finish it, and
the person would be answered twice.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from typing import Any
from urllib.parse import quote

import httpx

log = logging.getLogger(__name__)

# An engine that could not be reached is tried last for this long, so people whose home engine is
# down do not each wait for it first.
REST_S = 15.0
_RETRY_STATUSES = {502, 503, 504}
_NOT_HANDLED = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError, httpx.ReadError,
                httpx.WriteError, httpx.PoolTimeout)


class EngineUnavailable(RuntimeError):
    """Rasa is down, still loading, erroring, or too slow."""

    def __init__(self, message: str, *, not_handled: bool = False) -> None:
        super().__init__(message)
        self.not_handled = not_handled  # the engine cannot have handled the request: another may


class RasaClient:
    def __init__(self, base_urls: str | list[str] | tuple[str, ...], token: str = "", timeout_s: float = 20.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        if not urls:
            raise ValueError("at least one engine URL is needed")
        self.base_urls = [url.rstrip("/") for url in urls]
        self.token = token
        self.timeout_s = timeout_s
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout_s, connect=2.0), transport=transport)
        self._resting_until: dict[str, float] = {}

    async def close(self) -> None:
        await self._client.aclose()

    def home(self, sender: str) -> str:
        """The conversation's home engine: the same in every gateway process (not Python's hash())."""
        digest = hashlib.sha256(sender.encode()).digest()
        return self.base_urls[int.from_bytes(digest[:4], "big") % len(self.base_urls)]

    def _order(self, sender: str) -> list[str]:
        start = self.base_urls.index(self.home(sender))
        ring = self.base_urls[start:] + self.base_urls[:start]
        now = time.monotonic()
        return sorted(ring, key=lambda url: self._resting_until.get(url, 0.0) > now)  # stable: ring order kept

    async def send(self, sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        body = {"sender": sender, "message": message, "metadata": metadata}
        data = await self._request(sender, "POST", "/webhooks/rest/webhook", json=body)
        if not isinstance(data, list):
            raise EngineUnavailable("unexpected reply from the dialogue engine")
        return data

    async def trigger_intent(
        self, sender: str, intent: str, entities: dict[str, Any], timeout_s: float | None = None
    ) -> list[dict[str, Any]]:
        path = f"/conversations/{quote(sender, safe='')}/trigger_intent"
        data = await self._request(
            sender, "POST", path, json={"name": intent, "entities": entities}, params=self._auth(),
            timeout_s=timeout_s,
        )
        return (data or {}).get("messages", []) if isinstance(data, dict) else []

    async def append_events(self, sender: str, events: list[dict[str, Any]]) -> None:
        path = f"/conversations/{quote(sender, safe='')}/tracker/events"
        await self._request(sender, "POST", path, json=events, params=self._auth())

    async def ping(self, timeout_s: float = 0.5) -> bool:
        """True when every engine answers."""
        return all((await self.ping_each(timeout_s)).values())

    async def ping_each(self, timeout_s: float = 0.5) -> dict[str, bool]:
        answers = await asyncio.gather(*(self._ping_one(url, timeout_s) for url in self.base_urls))
        return dict(zip(self.base_urls, answers, strict=True))

    async def _ping_one(self, url: str, timeout_s: float) -> bool:
        try:
            response = await self._client.get(url + "/", timeout=timeout_s)
            return response.status_code == 200
        except httpx.HTTPError:
            return False

    def _auth(self) -> dict[str, str]:
        return {"token": self.token} if self.token else {}

    async def _request(self, sender: str, method: str, path: str, **kwargs: Any) -> Any:
        error: EngineUnavailable | None = None
        for url in self._order(sender):
            try:
                data = await self._request_one(url, method, path, **kwargs)
            except EngineUnavailable as failed:
                if not failed.not_handled:
                    raise
                error = failed
                self._resting_until[url] = time.monotonic() + REST_S
                if len(self.base_urls) > 1:
                    log.warning("engine %s could not take a turn (%s); trying the next", url, failed)
                continue
            self._resting_until.pop(url, None)
            return data
        raise error or EngineUnavailable("no dialogue engine configured")

    async def _request_one(self, url: str, method: str, path: str, *, timeout_s: float | None = None,
                           **kwargs: Any) -> Any:
        try:
            response = await self._client.request(method, url + path, timeout=timeout_s or self.timeout_s, **kwargs)
        except _NOT_HANDLED as error:
            raise EngineUnavailable(f"{type(error).__name__}: {error}", not_handled=True) from error
        except httpx.HTTPError as error:
            raise EngineUnavailable(f"{type(error).__name__}: {error}") from error
        if response.status_code >= 400:
            raise EngineUnavailable(f"dialogue engine answered {response.status_code}: {response.text[:200]}",
                                    not_handled=response.status_code in _RETRY_STATUSES)
        try:
            return response.json()
        except ValueError as error:
            raise EngineUnavailable("dialogue engine sent invalid JSON") from error
