"""Text content lives in YAML files, one per language and topic: `bot/content/<lang>/<topic>.yml`.

`text(lang, "topic.key")` returns one string; `section(lang, "topic")` returns the whole mapping.
Errors whose words people read derive from `Explained`, so each door can show them in its reader's
language.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.config import SUPPORTED_LANGUAGES

CONTENT_DIR = Path(__file__).resolve().parent


class UnknownLanguage(ValueError):
    pass


def check_language(lang: str) -> str:
    if lang not in SUPPORTED_LANGUAGES:
        raise UnknownLanguage(f"unsupported language {lang!r}; use one of {', '.join(SUPPORTED_LANGUAGES)}")
    return lang


@cache
def section(lang: str, topic: str) -> dict[str, Any]:
    path = CONTENT_DIR / check_language(lang) / f"{topic}.yml"
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def text(lang: str, dotted_key: str, **fill: Any) -> str:
    topic, _, rest = dotted_key.partition(".")
    node: Any = section(lang, topic)
    for part in rest.split("."):
        node = node[part]
    if not isinstance(node, str):
        raise TypeError(f"{dotted_key} in {lang} is not a string")
    return node.format(**fill) if fill else node


class Explained:
    """Mixin for an exception whose words live in a content file under `where` (`topic.section`):
    `text(lang)` in any language; str() is the English text, for logs, the CLI and English APIs."""

    where = ""

    def __init__(self, key: str, /, **fill: Any) -> None:
        # Positional-only: a text may have a {key} placeholder of its own (directory errors do).
        self.key, self.fill = key, fill
        super().__init__(self.text("en"))  # type: ignore[call-arg]  # the exception it is mixed into takes it

    def text(self, lang: str) -> str:
        lang = lang if lang in SUPPORTED_LANGUAGES else "en"
        return text(lang, f"{self.where}.{self.key}", **self.fill_in(lang))

    def fill_in(self, lang: str) -> dict[str, Any]:
        """The placeholders' values in *lang*; a subclass whose values are words themselves translates them."""
        return self.fill


@cache
def shared(name: str) -> Any:
    """Language-independent data files such as `helplines.yml`."""
    with (CONTENT_DIR / f"{name}.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)
