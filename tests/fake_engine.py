"""A scripted stand-in for the Rasa server, for API tests that must not need the real engine."""
from __future__ import annotations

from typing import Any


class FakeRasa:
    """Stands in for the Rasa server: records what the gateway sent, answers from a script."""

    base_urls = ["http://fake-rasa"]

    def __init__(self) -> None:
        self.up = True
        self.sent: list[dict[str, Any]] = []
        self.triggered: list[tuple[str, str, dict]] = []
        self.events: list[tuple[str, list]] = []
        self.reply = lambda sender, message, metadata: [{"recipient_id": sender, "text": f"echo: {message}"}]

    def _check(self) -> None:
        from api.rasa_client import EngineUnavailable

        if not self.up:
            raise EngineUnavailable("ConnectError: connection refused")

    async def send(self, sender, message, metadata):
        self._check()
        self.sent.append({"sender": sender, "message": message, "metadata": metadata})
        return self.reply(sender, message, metadata)

    async def trigger_intent(self, sender, intent, entities, timeout_s=None):
        self._check()
        self.triggered.append((sender, intent, entities))
        return []

    async def append_events(self, sender, events):
        self._check()
        self.events.append((sender, events))

    async def ping(self, timeout_s=0.5):
        return self.up

    async def ping_each(self, timeout_s=0.5):
        return {self.base_urls[0]: await self.ping(timeout_s)}

    async def close(self):
        pass
