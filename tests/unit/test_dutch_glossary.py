"""One Dutch (issue 14): every string a person, a mentor or a facilitator reads in Dutch follows the
glossary in bot/content/nl/glossary.yml: the four sides of life under one set of names, and no word
that only one of the two countries uses (or that is simply wrong)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

NL = Path(__file__).resolve().parents[2] / "bot" / "content" / "nl"
GLOSSARY = yaml.safe_load((NL / "glossary.yml").read_text(encoding="utf-8"))


def display_strings(node, path: str = "", skip: frozenset = frozenset(GLOSSARY["input_keys"])) -> Iterator[tuple[str, str]]:
    """(dotted path, text) of every string in a content tree, leaving out recognised-word lists."""
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key) not in skip:
                yield from display_strings(value, f"{path}.{key}" if path else str(key), skip)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from display_strings(value, f"{path}[{i}]", skip)
    elif isinstance(node, str):
        yield path, node


FILES = sorted(p for p in NL.glob("*.yml") if p.name != "glossary.yml")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_dutch_string_uses_a_word_the_glossary_avoids(path):
    avoid = {word: re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE) for word in GLOSSARY["avoid"]}
    found = [(where, word) for where, text in display_strings(yaml.safe_load(path.read_text(encoding="utf-8")))
             for word, pattern in avoid.items() if pattern.search(text)]
    assert not found, f"write {[GLOSSARY['avoid'][w] for _, w in found]} instead: {found}"


def test_the_sides_of_life_carry_the_glossary_names():
    dims = yaml.safe_load((NL / "dimensions.yml").read_text(encoding="utf-8"))["dimensions"]
    assert {key: spec["name"] for key, spec in dims.items()} == GLOSSARY["dimensions"]


def test_the_check_detects_an_avoided_word():
    """The walk reaches nested display text and skips recognised-word lists."""
    tree = {"reply": {"nl": ["Zet het in een rekenblad"]}, "words": ["rekenblad"]}
    texts = [text for _, text in display_strings(tree)]
    assert texts == ["Zet het in een rekenblad"]
