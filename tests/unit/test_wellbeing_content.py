"""The check-in content files: same keys and placeholders in English and Dutch."""
from __future__ import annotations

import re
import string

from bot.content import section

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, path + (str(k),))
    elif isinstance(node, list):
        yield path, node
    else:
        yield path, node


def flatten(topic, lang, skip=()):
    return {p: v for p, v in leaves(section(lang, topic)) if not (p and p[0] in skip)}


def test_checkin_keys_and_placeholders_match():
    # word lists differ per language by nature; everything the bot says must have a twin
    skip = ("ratings", "values_parsing")
    en, nl = flatten("checkin", "en", skip), flatten("checkin", "nl", skip)
    assert set(en) == set(nl)
    for path, text in en.items():
        if isinstance(text, str):
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(nl[path])), path
            list(string.Formatter().parse(text))   # well-formed braces
        elif isinstance(text, list):
            assert len(text) == len(nl[path]), path


def test_word_lists_exist_in_both_languages():
    for lang in ("en", "nl"):
        r = section(lang, "checkin")["ratings"]
        for key in ("skip", "pause", "unsure", "numbers", "phrases", "command_fillers", "command_blockers"):
            assert r[key], (lang, key)
        assert all(0 <= v <= 10 for v in r["phrases"].values())


def test_dimension_texts_have_twins():
    en, nl = section("en", "dimensions")["dimensions"], section("nl", "dimensions")["dimensions"]
    assert list(en) == list(nl)
    for d in en:
        assert set(en[d]) - {"prototypes"} == set(nl[d]), d
        assert list(en[d]["values"]) == list(nl[d]["values"]), d
