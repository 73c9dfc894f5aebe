"""The lifeline state's JSON shape is the stored one: states saved by earlier code read back unchanged
and keep the conversation going."""
from __future__ import annotations

import copy
import json

import pytest

from bot.exercises import lifeline
from bot.exercises.lifeline.state import Ask, Point, State

# As stored by the code before the state became a dataclass: asking how "my wedding" felt.
ASKING = {
    "version": 1, "phase": "ask",
    "points": [{"id": 1, "age": 18, "year": None, "label": "I left home", "feeling": 5, "said": "age"},
               {"id": 3, "age": 30, "year": None, "label": "my wedding", "feeling": None, "said": "age"},
               {"id": 2, "age": None, "year": 2015, "label": "my father died", "feeling": -5, "said": "year"}],
    "next_id": 4, "last_id": 3, "ask": {"id": 3, "fields": ["feeling"], "retried": False}, "change_id": None,
    "birth_year": None, "birth_year_asked": True, "nudged": False, "reflect": 0, "reflections": {}, "turn": 1,
    "undo": [{"id": 1, "age": 18, "year": None, "label": "I left home", "feeling": 5, "said": "age"},
             {"id": 2, "age": None, "year": 2015, "label": "my father died", "feeling": -5, "said": "year"}],
    "final_status": None,
}

# Reflecting on an edited earlier lifeline (its points were stored with "id" last), nothing to undo yet.
REFLECTING = {
    "version": 1, "phase": "reflect",
    "points": [{"age": 7, "year": 1982, "label": "hondje", "feeling": 3, "said": "both", "id": 2},
               {"age": 20, "year": 1995, "label": "studeren", "feeling": 4, "said": "age", "id": 1}],
    "next_id": 3, "last_id": None, "ask": None, "change_id": 2, "birth_year": 1975, "birth_year_asked": False,
    "nudged": True, "reflect": 2, "reflections": {"best": "Toen ik studeerde.", "learned": ""}, "turn": 4,
    "undo": [], "final_status": None,
}

FINISHED = {**copy.deepcopy(REFLECTING), "phase": "finished", "reflect": 4, "undo": None, "final_status": "done"}


@pytest.mark.parametrize("stored", [ASKING, REFLECTING, FINISHED], ids=["asking", "reflecting", "finished"])
def test_a_stored_state_round_trips_unchanged(stored):
    before = copy.deepcopy(stored)
    state = State.from_json(stored)
    assert state.to_json() == stored
    assert json.dumps(state.to_json(), sort_keys=True) == json.dumps(stored, sort_keys=True)
    assert stored == before                                   # reading does not touch the stored dict
    assert list(state.to_json()) == list(ASKING)              # every key, in the order stored so far


def test_the_json_becomes_dataclasses_and_back():
    state = State.from_json(ASKING)
    assert state.ask == Ask(id=3, fields=["feeling"], retried=False)
    assert state.points[1] == Point(id=3, age=30, label="my wedding", said="age")
    assert [p.id for p in state.undo] == [1, 2]
    assert State.from_json(REFLECTING).undo == []             # "nothing to undo" differs from "undo to empty"
    state.points[1].feeling = 4
    assert ASKING["points"][1]["feeling"] is None             # no shared lists or dicts with the stored JSON
    assert state.to_json()["points"][1]["feeling"] == 4


def test_a_stored_state_carries_the_conversation_on():
    step = lifeline.advance(json.loads(json.dumps(ASKING)), "great", "en")
    assert [p["feeling"] for p in step.result["points"]] == [5, 4, -5]
    assert step.state["phase"] == "collect" and step.state["ask"] is None
    assert State.from_json(step.state).to_json() == step.state


def test_states_the_conversation_writes_round_trip():
    step = lifeline.start("nl")
    for text in ("op mijn 20ste ging ik studeren, +4", "verhuisd naar Gent", "toen ik 15 was", "klaar"):
        step = lifeline.advance(step.state, text, "nl")
        assert State.from_json(step.state).to_json() == step.state
