"""Focusing, six movements paced for a chat."""
from __future__ import annotations

import json

import pytest

from bot.exercises import focusing, guided
from bot.steps import DONE, RUNNING, STOPPED

HANDLES = {"en": "a tight knot", "nl": "een strakke knoop"}
READY = {"en": "ready", "nl": "klaar"}


def _run_to(movement, lang="en", version="short", handle=None):
    """Start and press ready until *movement* is on screen (typing *handle* at the handle step)."""
    step = focusing.start(lang, version)
    while focusing.MOVEMENTS[step.state["movement"]] != movement or step.state.get("phase") != "guide":
        if focusing.MOVEMENTS[step.state["movement"]] == "handle" and handle:
            step = focusing.advance(step.state, handle, lang)
        else:
            step = focusing.advance(step.state, READY[lang], lang)
    return step


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("version", ["short", "long"])
def test_full_run_reflects_the_handle_and_keeps_the_note(lang, version):
    handle = HANDLES[lang]
    step = focusing.start(lang, version)
    assert step.status == RUNNING and len(step.messages) == 2
    assert step.messages[1]["text"].startswith("1 ")
    texts_by_movement: dict[str, list[str]] = {}
    turns = 0
    while step.state.get("phase") != "note":
        movement = focusing.MOVEMENTS[step.state["movement"]]
        texts_by_movement.setdefault(movement, []).extend(m["text"] for m in step.messages)
        json.dumps(step.state)
        if movement == "handle" and not step.state.get("handle"):
            step = focusing.advance(step.state, handle, lang)
        else:
            step = focusing.advance(step.state, READY[lang], lang)
        turns += 1
        assert turns < 40
    parts = {m: len(focusing.parts(lang, version, m)) for m in focusing.MOVEMENTS}
    if version == "short":
        assert set(parts.values()) == {1}
    else:
        assert all(n >= 2 for n in parts.values())
    assert set(texts_by_movement) == set(focusing.MOVEMENTS)
    assert not any(handle in t for m in ("clearing", "felt_sense", "handle") for t in texts_by_movement[m])
    for later in ("resonating", "asking", "receiving"):
        assert any(f'"{handle}"' in t for t in texts_by_movement[later]), (later, texts_by_movement[later])
    step = focusing.advance(step.state, "Slow down in the morning", lang)
    assert step.status == DONE
    assert step.result == {"exercise_id": "focusing", "version": version, "handle": handle,
                           "note": "Slow down in the morning", "completed": True}
    assert step.messages[-1]["text"] == guided.feedback_message(lang)["text"]
    assert len(step.messages[-1]["buttons"]) == 3


def test_short_version_is_one_message_per_movement():
    step = focusing.start("en", "short")
    seen = []
    while step.state.get("phase") != "note":
        seen.append(focusing.MOVEMENTS[step.state["movement"]])
        assert len(step.messages) <= 2
        step = focusing.advance(step.state, "ready", "en")
    assert seen == list(focusing.MOVEMENTS)


def test_resonating_asks_whether_the_handle_still_fits():
    step = _run_to("handle")
    assert [b["title"] for b in step.messages[-1]["buttons"]] == ["Nothing comes yet", "Skip", "Back", "Stop"]
    step = focusing.advance(step.state, "heavy", "en")
    assert focusing.MOVEMENTS[step.state["movement"]] == "resonating"
    assert 'Does "heavy" still fit?' in step.messages[0]["text"]
    assert [b["title"] for b in step.messages[-1]["buttons"]][:2] == ["It fits", "Not quite"]


def test_lead_ins_are_taken_off_the_handle():
    assert focusing.clean_handle("It feels like a knot.", "en") == "a knot"
    assert focusing.clean_handle('"grey fog"', "en") == "grey fog"
    assert focusing.clean_handle("het voelt als een steen", "nl") == "een steen"
    assert focusing.clean_handle("like", "en") == "like"      # nothing left: keep their word
    assert len(focusing.clean_handle("very " * 40, "en")) <= focusing.HANDLE_MAX_CHARS + 1


def test_not_quite_then_a_better_word():
    step = _run_to("resonating", handle="heavy")
    step = focusing.advance(step.state, "Not quite", "en")
    assert "What would fit better?" in step.messages[0]["text"]
    assert step.state["handle"] == "heavy"
    step = focusing.advance(step.state, "heavy, like wet sand", "en")
    assert step.state["handle"] == "heavy, like wet sand"
    assert '"heavy, like wet sand", then.' in step.messages[0]["text"]
    step = focusing.advance(step.state, "It fits", "en")
    assert focusing.MOVEMENTS[step.state["movement"]] == "asking"
    assert '"heavy, like wet sand"' in step.messages[0]["text"]


def test_dutch_handle_and_het_past():
    step = _run_to("handle", lang="nl")
    step = focusing.advance(step.state, "zwaar", "nl")
    assert 'Past "zwaar" nog?' in step.messages[0]["text"]
    step = focusing.advance(step.state, "het past", "nl")
    assert focusing.MOVEMENTS[step.state["movement"]] == "asking"
    assert '"zwaar"' in step.messages[0]["text"]


@pytest.mark.parametrize("lang,word", [("en", "stop"), ("en", "I want to stop"), ("nl", "stoppen"),
                                       ("nl", "ik wil stoppen")])
def test_stopping_midway(lang, word):
    step = _run_to("felt_sense", lang=lang)
    step = focusing.advance(step.state, word, lang)
    assert step.status == STOPPED
    assert step.result == {"exercise_id": "focusing", "version": "short", "completed": False,
                           "stopped_at": "felt_sense"}
    assert step.messages and step.messages[0]["text"]


def test_every_step_offers_stop_and_says_so_up_front():
    step = focusing.start("en")
    assert "Stopping is always fine" in step.messages[0]["text"]
    while step.state.get("phase") != "note":
        assert "Stop" in [b["title"] for b in step.messages[-1]["buttons"]]
        step = focusing.advance(step.state, "ready", "en")


def test_going_back_a_step():
    step = _run_to("handle")
    step = focusing.advance(step.state, "back", "en")
    assert focusing.MOVEMENTS[step.state["movement"]] == "felt_sense"
    assert step.messages[0]["text"].startswith("2 of 6")
    step = focusing.advance(step.state, "terug", "en")
    step = focusing.advance(step.state, "back", "en")
    assert step.state["movement"] == 0
    assert "very beginning" in step.messages[0]["text"]


def test_long_handle_step_first_guides_then_waits_for_the_word():
    step = _run_to("handle", version="long")
    assert [b["title"] for b in step.messages[-1]["buttons"]][0] == "Ready"
    step = focusing.advance(step.state, "ready", "en")
    assert [b["title"] for b in step.messages[-1]["buttons"]][:2] == ["Nothing comes yet", "Skip"]
    step = focusing.advance(step.state, "a grey fog", "en")
    assert step.state["handle"] == "a grey fog" and focusing.MOVEMENTS[step.state["movement"]] == "resonating"


def test_back_in_the_long_version_goes_one_part_back():
    step = _run_to("felt_sense", version="long")
    step = focusing.advance(step.state, "ready", "en")
    assert (step.state["movement"], step.state["part"]) == (1, 1)
    step = focusing.advance(step.state, "back", "en")
    assert (step.state["movement"], step.state["part"]) == (1, 0)
    step = focusing.advance(step.state, "back", "en")
    assert step.state["movement"] == 0 and step.state["part"] == len(focusing.parts("en", "long", "clearing")) - 1


def test_more_time_stays_on_the_movement_with_a_gentle_prompt():
    step = _run_to("felt_sense")
    first = focusing.advance(step.state, "more time", "en")
    assert first.status == RUNNING and first.state["movement"] == step.state["movement"]
    second = focusing.advance(first.state, "nog even", "en")
    prompts = [first.messages[0]["text"], second.messages[0]["text"]]
    assert prompts[0] != prompts[1]
    assert all(p not in step.messages[0]["text"] for p in prompts)
    after = focusing.advance(second.state, "ready", "en")
    assert focusing.MOVEMENTS[after.state["movement"]] == "handle"


def test_own_words_are_welcomed_not_mistaken_for_commands():
    step = _run_to("clearing")
    step = focusing.advance(step.state, "I can't stop thinking about work", "en")
    assert step.status == RUNNING and step.state["movement"] == 0
    assert "set that down" in step.messages[0]["text"]
    step = focusing.advance(step.state, "no", "en")
    assert "nothing comes at first" in step.messages[0]["text"]


def test_skipping_the_handle_and_the_note():
    step = _run_to("handle")
    step = focusing.advance(step.state, "skip", "en")
    assert focusing.MOVEMENTS[step.state["movement"]] == "resonating"
    assert step.state["handle"] is None and '""' not in step.messages[0]["text"]
    while step.state.get("phase") != "note":
        step = focusing.advance(step.state, "ready", "en")
    assert "Skip" in [b["title"] for b in step.messages[-1]["buttons"]]
    step = focusing.advance(step.state, "skip", "en")
    assert step.status == DONE
    assert step.result["handle"] is None and step.result["note"] is None


def test_stop_at_the_note_still_completes():
    step = _run_to("receiving", handle="tight")
    step = focusing.advance(step.state, "ready", "en")
    assert step.state["phase"] == "note"
    step = focusing.advance(step.state, "stop", "en")
    assert step.status == DONE and step.result["completed"] is True and step.result["note"] is None


def test_back_from_the_note():
    step = _run_to("receiving")
    step = focusing.advance(step.state, "ready", "en")
    step = focusing.advance(step.state, "back", "en")
    assert step.state["phase"] == "guide" and focusing.MOVEMENTS[step.state["movement"]] == "receiving"


def test_unknown_version():
    with pytest.raises(focusing.UnknownVersion):
        focusing.start("en", "medium")
