"""Talking to the Rasa server over HTTP: the REST channel for chat, the HTTP API for control."""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import httpx

log = logging.getLogger(__name__)


class EngineUnavailable(RuntimeError):
    """Rasa is down, still loading, erroring, or too slow."""


class RasaClient:
    def __init__(self, base_url: str, token: str = "", timeout_s: float = 20.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout_s = timeout_s
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout_s, connect=2.0))

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        body = {"sender": sender, "message": message, "metadata": metadata}
        data = await self._request("POST", "/webhooks/rest/webhook", json=body)
        if not isinstance(data, list):
            raise EngineUnavailable("unexpected reply from the dialogue engine")
        return data

    async def trigger_intent(
        self, sender: str, intent: str, entities: dict[str, Any], timeout_s: float | None = None
    ) -> list[dict[str, Any]]:
        path = f"/conversations/{quote(sender, safe='')}/trigger_intent"
        data = await self._request(
            "POST", path, json={"name": intent, "entities": entities}, params=self._auth(), timeout_s=timeout_s
        )
        return (data or {}).get("messages", []) if isinstance(data, dict) else []

    async def append_events(self, sender: str, events: list[dict[str, Any]]) -> None:
        path = f"/conversations/{quote(sender, safe='')}/tracker/events"
        await self._request("POST", path, json=events, params=self._auth())

    async def ping(self, timeout_s: float = 0.5) -> bool:
        try:
            response = await self._client.get(self.base_url + "/", timeout=timeout_s)
            return response.status_code == 200
        except httpx.HTTPError:
            return False

    def _auth(self) -> dict[str, str]:
        return {"token": self.token} if self.token else {}

    async def _request(self, method: str, path: str, *, timeout_s: float | None = None, **kwargs: Any) -> Any:
        try:
            response = await self._client.request(
                method, self.base_url + path, timeout=timeout_s or self.timeout_s, **kwargs
            )
        except httpx.HTTPError as error:
            raise EngineUnavailable(f"{type(error).__name__}: {error}") from error
        if response.status_code >= 400:
            raise EngineUnavailable(f"dialogue engine answered {response.status_code}: {response.text[:200]}")
        try:
            return response.json()
        except ValueError as error:
            raise EngineUnavailable("dialogue engine sent invalid JSON") from error
