"""The lexicon layer and the public API, without the embedding model."""
from __future__ import annotations

import threading

import pytest

from bot.crisis import SEVERITIES, CrisisAssessment, combine, detect, rules, severity_rank
from bot.crisis.rules import HISTORY_SIGNALS


def rules_only(text: str, lang: str = "en") -> CrisisAssessment:
    return detect(text, lang, use_embeddings=False)


# ---------------------------------------------------------------- API

def test_severity_rank():
    assert [severity_rank(s) for s in (None, *SEVERITIES)] == [-1, 0, 1, 2, 3]
    assert SEVERITIES == ("concern", "elevated", "high", "imminent")


def test_assessment_to_dict():
    a = rules_only("I want to kill myself")
    assert a == CrisisAssessment(True, "high", ("suicidal_ideation_explicit", "layer:rules"), "en", band="crisis")
    assert a.to_dict() == {"crisis": True, "band": "crisis", "severity": "high",
                           "signals": ["suicidal_ideation_explicit", "layer:rules"], "language": "en"}
    calm = rules_only("I went for a walk")
    assert calm.to_dict() == {"crisis": False, "band": "none", "severity": None, "signals": [], "language": "en"}


def test_bad_input():
    with pytest.raises(ValueError):
        detect("hello", "fr")
    with pytest.raises(TypeError):
        detect(None, "en")  # type: ignore[arg-type]
    assert detect("", "en").crisis is False
    assert detect("   \n", "nl").crisis is False
    assert detect("I want to die", " EN ", use_embeddings=False).language == "en"


def test_combine_takes_the_maximum_and_never_vetoes():
    merged = combine("en", [("rules", "elevated", ("self_harm",)), ("embedding", None, ()),
                            ("dialogue", "high", ("dialogue_intent",))])
    assert merged.severity == "high" and merged.crisis
    assert merged.signals == ("self_harm", "dialogue_intent", "layer:rules", "layer:dialogue")
    assert combine("nl", [("rules", None, ())]).crisis is False


def test_thread_safe_and_consistent():
    texts = ["I want to kill myself", "this traffic is killing me", "ik zie het niet meer zitten",
             "ik ga dood van het lachen"] * 25
    expected = {t: rules_only(t, "nl" if t.startswith("ik") else "en") for t in set(texts)}
    errors = []

    def work(chunk):
        for t in chunk:
            got = rules_only(t, "nl" if t.startswith("ik") else "en")
            if got != expected[t]:
                errors.append((t, got))

    threads = [threading.Thread(target=work, args=(texts[i::4],)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []


def test_lexicons_compile_and_reject_unknown_signals():
    for lang in ("en", "nl"):
        assert rules.lexicon(lang).rules
    with pytest.raises(ValueError):
        rules.build_lexicon({"rules": [{"signal": "nonsense", "patterns": ["x"]}],
                             "person": {"first": "i", "third": "he"},
                             "boundaries": {"clause": ",", "sentence": "[.]", "contrast": "but"}}, "en")


# ---------------------------------------------------------------- signals and severity

@pytest.mark.parametrize("text, lang, severity, signal", [
    ("I want to kill myself", "en", "high", "suicidal_ideation_explicit"),
    ("my family would be better off without me", "en", "elevated", "suicidal_ideation_passive"),
    ("I wish I could sleep and never wake up", "en", "elevated", "suicidal_ideation_passive"),
    ("I don't want to live anymore", "en", "elevated", "suicidal_ideation_passive"),
    ("i've been looking up how many pills it takes to die", "en", "high", "suicide_plan"),
    ("I have the pills in front of me and I want to die", "en", "imminent", "means_at_hand"),
    ("I already took the pills", "en", "imminent", "act_in_progress"),
    ("I cut myself again last night", "en", "elevated", "self_harm"),
    ("I want to stab my neighbour", "en", "concern", "harm_to_others"),
    ("my partner hits me", "en", "concern", "abuse_or_violence"),
    ("he said he'll kill me", "en", "concern", "abuse_or_violence"),
    ("my friend says she wants to kill herself", "en", "concern", "friend_at_risk"),
    ("years ago I tried to end my life", "en", "concern", "past_attempt"),
    ("ik wil zelfmoord plegen", "nl", "high", "suicidal_ideation_explicit"),
    ("ik zie het niet meer zitten", "nl", "elevated", "suicidal_ideation_passive"),
    ("het hoeft voor mij niet meer", "nl", "elevated", "suicidal_ideation_passive"),
    ("ik wil niet meer leven", "nl", "elevated", "suicidal_ideation_passive"),
    ("nu wil ik weer dood", "nl", "elevated", "suicidal_ideation_passive"),      # "again" in between
    ("kwil terug dood", "nl", "elevated", "suicidal_ideation_passive"),          # Flemish "terug"
    ("ik heb net alle pillen genomen", "nl", "imminent", "act_in_progress"),
    ("ik snij mezelf", "nl", "elevated", "self_harm"),
    ("mijn vader slaat me", "nl", "concern", "abuse_or_violence"),
    ("mijn vriendin zegt dat ze zelfmoord wil plegen", "nl", "concern", "friend_at_risk"),
    ("jaren geleden heb ik een zelfmoordpoging gedaan", "nl", "concern", "past_attempt"),
])
def test_signal_and_severity(text, lang, severity, signal):
    a = rules_only(text, lang)
    # The person's past alone earns the direct question, not a takeover.
    band = "ask" if signal in HISTORY_SIGNALS else "crisis"
    assert a.band == band and a.crisis == (band == "crisis") and a.severity == severity, a
    assert signal in a.signals


# ---------------------------------------------------------------- guards, negation, scope

@pytest.mark.parametrize("text, lang", [
    ("this traffic is killing me", "en"), ("I killed it at my presentation", "en"),
    ("I'm dying to see that film", "en"), ("I could kill for a coffee", "en"),
    ("my feet are killing me", "en"), ("I cut my finger while cooking", "en"),
    ("I burned myself on the stove", "en"), ("I hurt myself playing football", "en"),
    ("since my mother died I think about death a lot and what matters", "en"),
    ("I'm afraid of dying", "en"), ("my mom is going to kill me when she sees my grades", "en"),
    ("I've been killing myself at the gym", "en"), ("that was career suicide", "en"),
    ("I volunteer at a suicide prevention line", "en"), ("I overdosed on chocolate", "en"),
    ("ik ga dood van het lachen", "nl"), ("ik schrok me dood", "nl"), ("dodelijk vermoeiend", "nl"),
    ("ik verveel me dood", "nl"), ("ik heb me gesneden bij het koken", "nl"), ("rouw komt in golven", "nl"),
    ("mijn moeder vermoordt me als ze mijn rapport ziet", "nl"),
    ("ik zie het niet meer zitten met dat project", "nl"),
])
def test_idioms_and_harmless_talk_do_not_trigger(text, lang):
    assert not rules_only(text, lang).crisis


@pytest.mark.parametrize("text, lang, crisis", [
    ("I don't want to live anymore", "en", True),
    ("I don't want to die", "en", False),
    ("I would never kill myself", "en", False),
    ("I'm not suicidal", "en", False),
    ("I have no intention of hurting myself", "en", False),
    ("killing myself is not an option", "en", False),
    ("i dont know, i want to die", "en", True),
    ("I'm not ok. I want to die", "en", True),
    ("i can't stop thinking about killing myself", "en", True),
    ("nobody would care if i died", "en", True),
    ("ik wil niet meer leven", "nl", True),
    ("ik wil niet dood", "nl", False),
    ("ik zou mezelf nooit iets aandoen", "nl", False),
    ("ik ben niet suicidaal", "nl", False),
    ("ik wil er niet meer zijn", "nl", True),
])
def test_negation_cuts_both_ways(text, lang, crisis):
    assert rules_only(text, lang).crisis is crisis


@pytest.mark.parametrize("text, lang, severity", [
    ("this traffic is killing me and honestly I want to end it all", "en", "high"),
    ("I killed it at work today but I still want to die", "en", "elevated"),
    ("lol i'm dead 😂 but seriously i want to kill myself", "en", "high"),
    ("I cut my finger while cooking and then I cut my wrists on purpose", "en", "imminent"),
    ("I don't want to die. I want to kill him", "en", "concern"),
    ("ik ga dood van het lachen maar eerlijk, ik wil er een eind aan maken", "nl", "high"),
    ("ik schrok me dood. ik wil dood", "nl", "elevated"),
])
def test_guard_only_suppresses_its_own_match(text, lang, severity):
    assert rules_only(text, lang).severity == severity


def test_past_is_never_dropped_and_present_cancels_it():
    assert rules_only("when i was 16 i tried to kill myself").severity == "concern"
    assert rules_only("I used to cut myself but I've been clean for two years").severity == "concern"
    assert rules_only("years ago I tried to end my life and now I want to do it again").severity == "high"
    assert rules_only("I tried to kill myself last night").severity == "high"
    assert rules_only("I attempted suicide").severity in ("elevated", "high")
    assert rules_only("vroeger sneed ik mezelf, maar nu gaat het goed", "nl").severity == "concern"


def test_third_person_becomes_friend_at_risk_and_loss_is_grief():
    a = rules_only("I'm worried my brother is suicidal")
    assert a.severity == "concern" and "friend_at_risk" in a.signals
    assert not rules_only("my uncle took his own life years ago and I still wonder why").crisis
    assert not rules_only("mijn oom heeft jaren geleden zelfmoord gepleegd", "nl").crisis
    # ...but the speaker's own signal next to it still counts
    assert rules_only("my uncle took his own life and I want to do the same, I want to kill myself").severity == "high"


@pytest.mark.parametrize("text, lang", [
    ("I WANT TO KILL MYSELF", "en"), ("i want to kil myself", "en"), ("kms", "en"),
    ("i want to dieeee", "en"), ("i dont wanna be here anymore", "en"), ("thinking about sewerslide", "en"),
    ("i want to end my life", "en"), ("im gonna k1ll mys3lf", "en"),
    ("k zie het nie meer zitten", "nl"), ("k wil der nie meer zijn", "nl"), ("ik wil dooood", "nl"),
    ("ik voel me suïcidaal", "nl"), ("ik denk aan zelfdoding", "nl"),
])
def test_robust_to_spelling(text, lang):
    assert rules_only(text, lang).crisis


def test_analyse_explains_drops():
    res = rules.analyse("I would never kill myself", "en")
    assert res.severity is None
    assert {d.reason for d in res.dropped} == {"negated"}
    res = rules.analyse("I've been killing myself at the gym", "en")
    assert res.dropped and res.dropped[0].reason.startswith("guard:")


@pytest.mark.parametrize(("text", "lang"), [
    ("i do not think so i want to die", "en"),
    ("no i dont think so. i want to die", "en"),
    ("I'm not sure, I want to kill myself", "en"),
    ("nee denk het niet, ik wil dood", "nl"),
    ("ik weet het niet ik wil niet meer leven", "nl"),
])
def test_a_negation_in_an_earlier_clause_does_not_hide_a_later_crisis(text, lang):
    verdict = rules_only(text, lang)
    assert verdict.crisis and verdict.severity in ("elevated", "high"), verdict
