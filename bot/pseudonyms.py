"""What logs and rate-limit counters say instead of an id, an address or a token: enough to correlate,
not enough to find the person. Kept apart from bot/privacy.py so any module can use it cheaply."""
from __future__ import annotations

import hashlib


def pseudonym(value: str) -> str:
    return "ref-" + hashlib.sha256(value.encode()).hexdigest()[:10]
