"""Normalisation: what "the same words" means for the crisis lexicon."""
from __future__ import annotations

import pytest

from bot.crisis.normalise import basic_form, collapse_repeats, normalise, variants


@pytest.mark.parametrize("raw, expected", [
    ("I Don’t Want To LIVE", "i do not want to live"),
    ("i dont wanna live", "i do not want to live"),
    ("im gonna kms", "i am going to kill myself"),
    ("thinking about sewerslide", "thinking about suicide"),
    ("i want to unalive myself", "i want to kill myself"),
    ("I can't go on", "i can not go on"),
    ("“I’m done”", '"i am done"'),
    ("self-harm", "self harm"),
    ("been selfharming", "been self harming"),
    ("i want to kill my self", "i want to kill myself"),
    ("im gonna k1ll mys3lf", "i am going to kill myself"),
    ("i feel sucidal", "i feel suicidal"),
    ("i want to kill myslef", "i want to kill myself"),
    ("tired.i want to die", "tired. i want to die"),
    ("he'll kill me", "he will kill me"),
    ("I'll be fine", "i will be fine"),
    ("i od'd", "i overdosed"),
    ("ngl i want to die fr", "i want to die"),
])
def test_english(raw, expected):
    assert normalise(raw, "en") == expected


@pytest.mark.parametrize("raw, expected", [
    ("Ik zie het nie meer zitten", "ik zie het niet meer zitten"),
    ("k wil d'r niet meer zijn", "ik wil er niet meer zijn"),
    ("'k wil der nie meer zijn", "ik wil er niet meer zijn"),
    ("ik denk aan zelfdoding", "ik denk aan zelfmoord"),
    ("ik voel me suïcidaal", "ik voel me suicidaal"),
    ("ik wil mn leven beëindigen", "ik wil mijn leven beeindigen"),
    ("ik wil m'n leven beëindigen", "ik wil mijn leven beeindigen"),
    ("kwil gwn dood", "ik wil gewoon dood"),
    ("'t leven heeft geen zin", "het leven heeft geen zin"),
    ("ik wil mijzelf pijn doen", "ik wil mezelf pijn doen"),
    ("ik ga dood gaan", "ik ga doodgaan"),
    ("da es ni waar", "dat is niet waar"),
])
def test_dutch(raw, expected):
    assert normalise(raw, "nl") == expected


def test_repeated_letters_give_two_readings():
    assert variants("i want to dieeee", "en") == ("i want to diee", "i want to die")
    assert "i want to kill myself" in variants("i want to killlll myself", "en")
    assert "ik wil dood" in variants("ik wil dooood", "nl")
    # no run of three letters: one reading, doubles kept
    assert variants("I feel sooo tired", "en")[-1] == "i feel so tired"
    assert variants("I will kill it", "en") == ("i will kill it",)


def test_basic_form_is_language_independent():
    assert basic_form("ＩＣＨ\u200b Ñandú “x”") == 'ich nandu "x"'
    assert collapse_repeats("noooo", 2) == "noo"
    assert collapse_repeats("noooo", 1) == "no"


def test_typo_corrector_leaves_real_words_alone():
    assert normalise("I overdone it at the gym", "en") == "i overdone it at the gym"
    assert normalise("help yourself and himself", "en") == "help yourself and himself"
    assert normalise("doe het jezelf aan", "nl") == "doe het jezelf aan"
    assert normalise("ik heb zelfmord gedachten", "nl") == "ik heb zelfmoordgedachten"


def test_unknown_language_is_an_error():
    with pytest.raises(ValueError):
        normalise("hello", "fr")
