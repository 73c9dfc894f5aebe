"""Which typed "/intent" messages may reach the dialogue engine.

Buttons send payloads such as `/confirm_safe` or `/look_closer{"dimension": "social"}`. Rasa would
also obey typed built-ins such as `/restart`, which drops a person out of the crisis flow, and the
gateway-only `/crisis_detected`. So only the intents of our own domain pass as commands; anything
else starting with "/" is sent on as plain text.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

DOMAIN_DIR = Path(__file__).resolve().parent.parent / "domain"  # one file per feature
GATEWAY_ONLY = {"crisis_detected"}
_COMMAND = re.compile(r"^/([A-Za-z_]+)(\{.*\})?\s*$", re.DOTALL)


@cache
def allowed_intents() -> frozenset[str]:
    names = set()
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names |= {item if isinstance(item, str) else next(iter(item)) for item in domain.get("intents", [])}
    return frozenset(names - GATEWAY_ONLY)


def sanitise(message: str) -> str:
    if not message.startswith("/"):
        return message
    match = _COMMAND.match(message)
    if match and match.group(1) in allowed_intents():
        return message
    return message.lstrip("/").strip() or message
