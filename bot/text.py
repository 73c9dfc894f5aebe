"""Small text helpers shared across the core."""
from __future__ import annotations


def one_line(text: str) -> str:
    """Runs of whitespace (also newlines from folded YAML) as single spaces, no space at either end."""
    return " ".join(text.split())
