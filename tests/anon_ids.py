"""Readable names for the anonymous ids tests use: the gateway accepts only unguessable ids
(api/schemas.py), so a test says sid("alice") and gets the same valid 128-bit hex id each time."""
from __future__ import annotations

import hashlib


def sid(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:32]
