"""The lifeline conversation: moments in any order and format, corrections, deletions, the picture,
four reflections, stopping at any time without losing points, and editing an earlier lifeline."""
from __future__ import annotations

import json

import pytest

from bot.exercises import lifeline
from bot.steps import DONE, RUNNING, STOPPED

URL = "/charts/lifeline/abc.png"


def picture_url(state):
    assert isinstance(state, dict) and state["points"]
    return URL


class Run:
    """Drive the machine like the runner does: state handed back each turn, JSON round-tripped."""

    def __init__(self, lang, existing=None, url=picture_url):
        self.lang, self.url = lang, url
        self.step = lifeline.start(lang, existing_points=existing, picture_url=url)
        self.steps = [self.step]
        self._check(self.step)

    def say(self, text):
        state = json.loads(json.dumps(self.step.state))
        self.step = lifeline.advance(state, text, self.lang, picture_url=self.url)
        self.steps.append(self.step)
        self._check(self.step)
        return self.step

    def _check(self, step):
        json.dumps(step.state)
        if step.result is not None:
            json.dumps(step.result)
        for m in step.messages:
            assert m["text"].strip()
            for b in m.get("buttons") or []:
                assert set(b) == {"title", "payload"} and b["payload"].strip()
        questions = [m for m in step.messages if m["text"].rstrip().endswith("?")]
        assert len(questions) <= 1, step.messages   # one question at a time

    @property
    def text(self):
        return " ".join(m["text"] for m in self.step.messages)

    def points(self):
        return [(p.get("age"), p.get("year"), p["label"], p["feeling"]) for p in self.step.state["points"]]


def test_english_run_with_correction_deletion_picture_and_reflections():
    r = Run("en")
    intro = " ".join(m["text"] for m in r.steps[0].messages)
    assert "−5" in intro and "+5" in intro and '"done"' in intro and "stop" in intro and "at 18" in intro

    r.say("when I was 12 we moved, that was hard, -3")
    assert "Age 12: we moved — feeling −3. Got it." in r.text
    assert [b["title"] for b in r.step.messages[-1]["buttons"]] == ["That's right", "Change it"]
    assert r.step.result["points"][0]["label"] == "we moved"   # saved as soon as it is there

    r.say("that's right")
    r.say("at 30 we got married")                          # feeling missing: asked, just that
    assert r.text.count("?") == 1 and "−5" in r.text and "feel" in r.text
    assert any(b["payload"] == "-4" for b in r.step.messages[-1]["buttons"])
    r.say("great")
    assert "Age 30: we got married — feeling +4." in r.text

    r.say("at 18 I left home +4")
    r.say("no, it was +5")                                 # correction of the last one
    assert "Changed. Age 18: I left home — feeling +5." in r.text

    r.say("age 25 - burnout - minus 4")
    r.say("in my late twenties I travelled, mixed")
    r.say("when I was 7 we got a dog, plus three")
    r.say("change the last one: when I was 8")
    assert "Age 8: we got a dog" in r.text

    ages = [p[0] for p in r.points()]
    assert ages == sorted(ages) == [8, 12, 18, 25, 28, 30]

    r.say("delete 4")                                      # number 4 in time order: burnout
    assert "burnout" in r.text and "Deleted number 4" in r.text
    assert [p[2] for p in r.points()] == ["we got a dog", "we moved", "I left home", "I travelled", "we got married"]

    r.say("done")
    images = [m for m in r.step.messages if m.get("image")]
    assert len(images) == 1 and images[0]["image"] == URL
    alt = images[0]["text"]
    assert alt.index("we got a dog") < alt.index("we moved") < alt.index("we got married")
    assert "When did you feel best" in r.text and "age 18: I left home (+5)" in r.text
    assert r.step.result["points"][0]["label"] == "we got a dog"   # saved before the picture is fetched

    r.say("When we got married, really.")
    assert "What did you learn from the low points" in r.text and "age 12: we moved" in r.text
    r.say("skip")
    assert "strengths" in r.text
    r.say("My sister. And being stubborn.")
    assert "what matters to you now" in r.text
    r.say("Time with the people I love.")

    assert r.step.status == DONE
    result = r.step.result
    assert [p["age"] for p in result["points"]] == [8, 12, 18, 28, 30]
    assert [p["feeling"] for p in result["points"]] == [3, -3, 5, 0, 4]
    assert result["reflections"] == {"best": "When we got married, really.",
                                     "carried": "My sister. And being stubborn.",
                                     "matters": "Time with the people I love."}
    assert set(result["points"][0]) == {"age", "year", "label", "feeling", "said"}


def test_dutch_run_mixed_formats_with_birth_year():
    r = Run("nl")
    r.say("op mijn 20ste ging ik studeren, +4")
    assert "20 jaar: ging ik studeren — gevoel +4. Genoteerd." in r.text
    r.say("toen ik 7 was kreeg ik een hondje +3")
    r.say("in 2019 verloor ik mijn baan, -4")              # a year among ages: birth year asked, optional
    assert "geboortejaar" in r.text
    r.say("1975")
    assert "één lijn" in r.text
    r.say("rond mijn dertigste trouwde ik (+5)")
    r.say("nee, het was op mijn 31ste")
    assert "Aangepast. 31 jaar: trouwde ik — gevoel +5." in r.text
    r.say("-2 bij 40 jaar scheiding")
    r.say("verhuisd naar Gent")                            # when and feeling missing: one at a time
    assert "Wanneer" in r.text and "voelde" not in r.text
    r.say("toen ik 15 was")
    assert "Hoe voelde dat" in r.text
    r.say("heel zwaar")
    assert "15 jaar: verhuisd naar Gent — gevoel −4" in r.text

    assert [p[0] for p in r.points()] == [7, 15, 20, 31, 40, 44]   # 2019 - 1975 = 44: one line
    r.say("verwijder 2")
    assert "Gent" in r.text and "Gent" not in json.dumps(r.step.state["points"])
    r.say("klaar")
    assert any(m.get("image") == URL for m in r.step.messages)
    assert "Wanneer voelde je je het best" in r.text and "31 jaar: trouwde ik (+5)" in r.text
    for answer in ("Toen ik trouwde.", "overslaan", "Mijn vrienden.", "Rust."):
        r.say(answer)
    assert r.step.status == DONE
    result = r.step.result
    assert [p["label"] for p in result["points"]] == [
        "kreeg ik een hondje", "ging ik studeren", "trouwde ik", "scheiding", "verloor ik mijn baan"]
    assert result["points"][-1] == {"age": 44, "year": 2019, "label": "verloor ik mijn baan", "feeling": -4,
                                    "said": "year"}
    assert result["birth_year"] == 1975
    assert result["reflections"] == {"best": "Toen ik trouwde.", "carried": "Mijn vrienden.", "matters": "Rust."}


def test_without_a_birth_year_ages_come_before_years():
    r = Run("en")
    r.say("2015: my father died -5")
    r.say("at 18 I left home +4")
    assert "year you were born" in r.text
    r.say("skip")
    r.say("when I was 12 we moved, -3")
    assert [(p[0], p[1]) for p in r.points()] == [(12, None), (18, None), (None, 2015)]


@pytest.mark.parametrize("stop_word", ["stop", "pause", "I want to stop"])
def test_stop_midway_keeps_the_points(stop_word):
    r = Run("en")
    r.say("at 18 I left home +4")
    r.say("my divorce")                                    # asked when; stop instead
    r.say(stop_word)
    assert r.step.status == STOPPED
    labels = [p["label"] for p in r.step.result["points"]]
    assert labels == ["I left home", "my divorce"]
    assert "kept" in r.text


def test_stop_during_reflections_keeps_points_and_answers():
    r = Run("nl")
    for text in ("op mijn 20ste ging ik studeren, +4", "toen ik 7 was kreeg ik een hondje +3",
                 "op mijn 40ste scheiding, -3", "klaar", "Toen ik studeerde."):
        r.say(text)
    r.say("stop")
    assert r.step.status == STOPPED
    assert len(r.step.result["points"]) == 3
    assert r.step.result["reflections"] == {"best": "Toen ik studeerde."}


def test_fewer_than_three_points_invites_more_but_accepts_done():
    r = Run("en")
    r.say("at 18 I left home +4")
    r.say("done")
    assert r.step.status == RUNNING and "one or two" in r.text and not any(m.get("image") for m in r.step.messages)
    r.say("done")
    assert any(m.get("image") for m in r.step.messages)


def test_done_with_nothing_stops_kindly():
    r = Run("nl")
    r.say("klaar")
    assert r.step.status == STOPPED and r.step.result["points"] == []


def test_no_picture_url_gives_the_line_as_text():
    r = Run("en", url=None)
    for text in ("at 18 I left home +4", "when I was 12 we moved, -3", "2015: my father died -5", "skip", "done"):
        r.say(text)
    assert not any("image" in m for m in r.step.messages)
    assert "Age 12: we moved, feeling −3." in r.text


def test_editing_later_from_existing_points():
    existing = [{"age": 20, "year": None, "label": "studeren", "feeling": 4, "said": "age"},
                {"age": 7, "year": None, "label": "hondje", "feeling": 3, "said": "age"},
                {"age": 12, "year": None, "label": "verhuisd", "feeling": -3, "said": "age"}]
    r = Run("nl", existing=existing)
    first = r.steps[0]
    assert "1. 7 jaar: hondje (+3)" in first.messages[0]["text"]
    assert "3. 20 jaar: studeren (+4)" in first.messages[0]["text"]
    assert "verander" in " ".join(m["text"] for m in first.messages)

    r.say("verander 2: op mijn 13de, -2")
    assert "Aangepast. 13 jaar: verhuisd — gevoel −2." in r.text
    r.say("ongedaan maken")                                # undo brings the old version back
    assert (12, None, "verhuisd", -3) in r.points()
    r.say("toen ik 50 was werd ik opa, geweldig")
    r.say("verwijder 1")
    r.say("pas 1 aan")
    assert "Wat moet het worden" in r.text
    r.say("-1")
    assert "12 jaar: verhuisd — gevoel −1" in r.text
    r.say("klaar")
    assert any(m.get("image") for m in r.step.messages)
    r.say("stop")
    assert [p["label"] for p in r.step.result["points"]] == ["verhuisd", "studeren", "werd ik opa"]


def test_a_new_moment_while_asking_is_a_new_point():
    r = Run("en")
    r.say("my wedding at 30")
    assert "How did that feel" in r.text
    r.say("got my first job at 22, it felt good")
    assert "Age 22: got my first job — feeling +3." in r.text
    assert [p[2] for p in r.points()] == ["got my first job", "my wedding"]


def test_retry_once_then_leave_open():
    r = Run("en")
    r.say("we moved, -3")
    assert "When was that" in r.text
    r.say("hmm")
    assert "couldn't find an age or a year" in r.text
    r.say("hmm")
    assert "leave that open" in r.text and "feeling open" not in r.text
    assert r.points() == [(None, None, "we moved", -3)]


def test_change_it_button_and_delete_out_of_range():
    r = Run("en")
    r.say("at 18 I left home +4")
    r.say(r.step.messages[-1]["buttons"][1]["payload"])     # "Change it"
    assert "What should it be" in r.text
    r.say("at 19")
    assert "Changed. Age 19: I left home — feeling +4." in r.text
    r.say("delete 7")
    assert "no number 7" in r.text and len(r.points()) == 1


def test_show_lists_in_time_order():
    r = Run("en")
    for text in ("2015: my father died -5", "in 1990 I was born, +2", "at 18 I left home +4"):
        r.say(text)
    r.say("show")
    listing = r.step.messages[0]["text"].splitlines()
    assert listing[1].startswith("1. 1990") and "2. Age 18" in listing[2] and "3. 2015" in listing[3]


def test_unknown_state_starts_over():
    step = lifeline.advance({}, "hello", "en")
    assert step.status == RUNNING and "lifeline" in step.messages[0]["text"]
