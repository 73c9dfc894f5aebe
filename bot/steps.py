"""The one contract of the conversations in bot/ that keep their state between messages (the check-in,
the exercises, the group conversation): each message gets a Step back, so storage and the dialogue's
forms (actions/forms.py) treat them all alike."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.text import one_line

RUNNING, DONE, STOPPED = "running", "done", "stopped"


@dataclass
class Step:
    messages: list[dict[str, Any]] = field(default_factory=list)  # REST format: text, buttons, image, custom
    state: dict[str, Any] = field(default_factory=dict)           # JSON-serialisable; handed back next turn
    status: str = RUNNING                                          # running | done | stopped
    result: dict[str, Any] | None = None                        # what to keep when it ends (or stops)

    @property
    def finished(self) -> bool:
        return self.status != RUNNING

    def say(self, text: str, **extra: Any) -> None:
        self.messages.append({"text": one_line(text), **extra})


class Conversation(Protocol):
    """A stored conversation: `answer` takes the person's next message."""

    def answer(self, text: str) -> Step: ...
