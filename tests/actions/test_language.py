from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.language import ActionSetLanguage, ActionSwitchLanguage


def test_metadata_nl_sets_language(make_tracker, run_action):
    messages, events = run_action(ActionSetLanguage(), make_tracker(metadata={"language": "nl"}))
    assert events == [SlotSet("language", "nl")]
    assert messages == []


def test_metadata_country_is_normalised(make_tracker, run_action):
    _, events = run_action(ActionSetLanguage(), make_tracker(metadata={"language": "NL ", "country": "be"}))
    assert events == [SlotSet("language", "nl"), SlotSet("country", "BE")]


def test_same_language_sets_nothing(make_tracker, run_action):
    _, events = run_action(
        ActionSetLanguage(), make_tracker(metadata={"language": "en", "country": "NL"}, slots={"country": "NL"})
    )
    assert events == []


@pytest.mark.parametrize(
    "metadata",
    [
        None,
        {},
        "nl",
        ["nl"],
        {"language": "fr"},
        {"language": 7},
        {"language": None, "country": None},
        {"language": "nederlands"},
        {"country": "Belgium"},
        {"country": "B1"},
        {"is_external": True},
    ],
)
def test_junk_metadata_sets_nothing(metadata, make_tracker, run_action):
    _, events = run_action(ActionSetLanguage(), make_tracker(metadata=metadata))
    assert events == []


def test_null_country_keeps_known_country(make_tracker, run_action):
    _, events = run_action(
        ActionSetLanguage(), make_tracker(metadata={"language": "en", "country": None}, slots={"country": "BE"})
    )
    assert events == []


def test_switch_to_entity_value(make_tracker, run_action):
    tracker = make_tracker(intent="switch_language", entities=[{"entity": "language", "value": "nl"}])
    messages, events = run_action(ActionSwitchLanguage(), tracker)
    assert events == [SlotSet("language", "nl")]
    assert messages == []  # the reply is utter_language_switched, chosen by the rule


def test_switch_accepts_unnormalised_entity(make_tracker, run_action):
    tracker = make_tracker(
        intent="switch_language", entities=[{"entity": "language", "value": "Engels"}], slots={"language": "nl"}
    )
    _, events = run_action(ActionSwitchLanguage(), tracker)
    assert events == [SlotSet("language", "en")]


@pytest.mark.parametrize("current, expected", [("en", "nl"), ("nl", "en"), (None, "nl")])
def test_switch_without_entity_swaps(current, expected, make_tracker, run_action):
    _, events = run_action(ActionSwitchLanguage(), make_tracker(intent="switch_language", slots={"language": current}))
    assert events == [SlotSet("language", expected)]


def test_switch_ignores_unknown_language_entity(make_tracker, run_action):
    tracker = make_tracker(
        intent="switch_language", entities=[{"entity": "language", "value": "french"}], slots={"language": "nl"}
    )
    _, events = run_action(ActionSwitchLanguage(), tracker)
    assert events == [SlotSet("language", "en")]
