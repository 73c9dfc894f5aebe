"""Weariness of life (issue 14.1): "ik ben levensmoe", "my life feels meaningless" without a wish to
die, a plan, means or an earlier crisis get the direct safety question, not a takeover; anything
more in the message or the conversation still takes over at once."""
from __future__ import annotations

import pytest

from bot.crisis import detect

WEARY = [("ik ben levensmoe", "nl"), ("mijn leven voelt zo zinloos de laatste tijd", "nl"),
         ("ik ben het leven zo moe", "nl"), ("I am so tired of life", "en"),
         ("my life feels meaningless since the divorce", "en"), ("honestly I'm sick of living like this", "en")]


@pytest.mark.parametrize(("text", "lang"), WEARY)
@pytest.mark.parametrize("embeddings", [True, False], ids=["all-layers", "lexicon-only"])
def test_weariness_alone_is_asked_about_directly(text, lang, embeddings):
    verdict = detect(text, lang, use_embeddings=embeddings)
    assert verdict.band == "ask" and not verdict.crisis
    assert verdict.severity == "elevated"     # what a "yes" to the question opens


@pytest.mark.parametrize(("text", "lang", "severity"), [
    ("ik ben levensmoe, ik wil gewoon dood", "nl", "elevated"),
    ("ik ben levensmoe en de pillen liggen hier klaar", "nl", "imminent"),
    ("I'm tired of living, tonight I will end it", "en", "high"),
    ("my life feels meaningless and I've decided how I will kill myself", "en", "high"),
])
def test_weariness_with_a_wish_a_plan_or_means_takes_over(text, lang, severity):
    verdict = detect(text, lang)
    assert verdict.crisis and verdict.band == "crisis"
    assert verdict.severity == severity


@pytest.mark.parametrize(("earlier", "now", "lang"), [
    (["ik ben levensmoe"], "vannacht doe ik het", "nl"),
    (["I'm so tired of life"], "the pills are right here next to me", "en"),
])
def test_weariness_earlier_makes_a_plan_now_count(earlier, now, lang):
    verdict = detect(now, lang, context=earlier)
    assert verdict.crisis and verdict.severity in ("high", "imminent")


@pytest.mark.parametrize(("text", "lang"), [("mijn oma is levensmoe", "nl"),
                                            ("my grandfather keeps saying he is tired of life", "en")])
def test_someone_elses_weariness_is_still_a_worry_about_them_not_a_question_to_the_writer(text, lang):
    verdict = detect(text, lang, use_embeddings=False)
    assert "life_weariness" not in verdict.signals and "friend_at_risk" in verdict.signals
