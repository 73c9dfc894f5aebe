"""Conversation context: a message that leans on an earlier crisis message (rules layer only).

"I'm going to do it tonight" is harmless alone and must stay harmless after "I should clean the
garage"; after "I want to die" it is a plan (high). Means at hand and an act in progress after a
crisis are imminent. Context only ever raises: a harmless follow-up after a crisis ("thanks",
"I'm going to bed now") adds nothing, and a negated follow-up ("no I'm not going to do anything
tonight, I promise") neither escalates nor clears anything.

tests/crisis_corpus/context.jsonl is a small labelled conversation corpus
({"context", "text", "lang", "crisis", "severity"}); its recall and false-alarm rate are printed
and asserted like the main corpus (recall 100 %, false alarms <= 5 % per language).
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.crisis import SEVERITIES, detect, rules, severity_rank

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "crisis_corpus" / "context.jsonl"
MAX_FALSE_ALARM = 0.05


def rules_only(text: str, lang: str = "en", context=()):
    return detect(text, lang, use_embeddings=False, context=context)


# ---------------------------------------------------------------- must raise

RAISE_EN = [
    (["i want to die"], "i'm going to do it tonight", "high"),
    (["I want to kill myself"], "I've got the pills right here", "imminent"),
    (["i want to die"], "i already wrote the letters", "high"),
    (["i can't do this anymore, i want to end it all"], "it's over soon", "high"),
    (["I want to die"], "I already took them", "imminent"),
    (["im gonna overdose"], "its starting to work", "imminent"),
    (["i cut myself again"], "there's so much blood", "imminent"),
    (["my family would be better off without me"], "I've made up my mind", "high"),
    (["I don't want to live anymore"], "please take care of my cat", "high"),
    (["I've been thinking about suicide"], "I bought a rope today", "imminent"),
    (["i want to jump off a bridge"], "im on the bridge now", "imminent"),
    (["i wanna kms"], "doing it tmrw when everyone is asleep", "high"),
    (["I want to end my life"], "I've given away my things to my friends", "high"),
    (["i want to die"], "thank you for everything. goodbye", "high"),
    (["I'm suicidal"], "I've saved up my sleeping pills", "imminent"),
    (["I want to die", "nobody cares"], "I'm sorry for everything", "high"),
    (["i want to die"], "i have everything i need", "imminent"),
    (["I keep thinking about killing myself"], "I know exactly how", "high"),
    (["i'm going to kill myself"], "i did it", "imminent"),
    (["hi", "work was rough", "i want to die", "whatever", "my cat is asleep"], "tell my mom i love her", "high"),
    (["I wish I could sleep and never wake up"], "I'm going to buy some paracetamol", "high"),
    (["ive been self harming"], "im bleeding and it wont stop", "imminent"),
]

RAISE_NL = [
    (["ik wil dood"], "ik doe het vanavond", "high"),
    (["ik wil dood"], "de pillen liggen klaar", "imminent"),
    (["ik wil dood"], "ik heb al afscheidsbrieven geschreven", "high"),
    (["ik zie het niet meer zitten"], "ik ga het morgen doen", "high"),
    (["ik wil er een einde aan maken"], "ik heb ze allemaal genomen", "imminent"),
    (["ik wil zelfmoord plegen"], "het begint te werken", "imminent"),
    (["ik snij mezelf weer"], "er is zo veel bloed", "imminent"),
    (["het hoeft voor mij niet meer"], "mijn besluit staat vast", "high"),
    (["ik wil niet meer leven"], "zorg goed voor mijn kat", "high"),
    (["ik wil dood"], "ik heb een touw gekocht", "imminent"),
    (["ik wil van de brug springen"], "ik sta nu op de brug", "imminent"),
    (["ik zie het echt niet meer zitten"], "vanavond is het zover", "high"),
    (["ik wil dood"], "morgen als iedereen slaapt doe ik het", "high"),
    (["ik wil mezelf van kant maken"], "ik heb mijn spullen weggegeven", "high"),
    (["ik wil dood"], "bedankt voor alles. vaarwel", "high"),
    (["ik ben het leven zo moe"], "ik heb genoeg pillen gespaard", "imminent"),
    (["ik wil dood"], "het spijt me van alles", "high"),
    (["ik wil niet meer"], "het is bijna voorbij", "high"),
    (["ik wil zelfmoord plegen"], "ik heb het gedaan", "imminent"),
    (["hoi", "slechte dag", "ik wil dood", "laat maar"], "zeg tegen mijn moeder dat ik van haar hou", "high"),
    (["'k zie het nie meer zitten"], "'k doe het vannacht", "high"),
    (["ik wil dood"], "ik heb de pillen hier naast me", "imminent"),
]


@pytest.mark.parametrize("context, text, severity, lang",
                         [pytest.param(*p, "en", id=f"en-{i}") for i, p in enumerate(RAISE_EN)]
                         + [pytest.param(*p, "nl", id=f"nl-{i}") for i, p in enumerate(RAISE_NL)])
def test_follow_up_after_a_crisis_raises(context, text, severity, lang):
    alone = rules_only(text, lang)
    got = rules_only(text, lang, context)
    assert got.crisis, (text, got)
    assert severity_rank(got.severity) >= severity_rank(severity), (text, got)
    assert severity_rank(got.severity) >= severity_rank(alone.severity)
    assert "layer:context" in got.signals
    assert any(s.startswith("context:") for s in got.signals), got.signals


def test_the_pairs_are_not_a_crisis_alone_mostly():
    """The point of context: most follow-ups are harmless alone (a few are flagged alone already)."""
    for pairs, lang in ((RAISE_EN, "en"), (RAISE_NL, "nl")):
        quiet = [t for _, t, _ in pairs if not rules_only(t, lang).crisis]
        assert len(quiet) >= 15, (lang, len(quiet))


def test_means_named_before_the_crisis_message_is_imminent():
    # the same two messages in the other order
    assert rules_only("I want to die", "en", ["I've got a bottle of pills next to me"]).severity == "imminent"
    assert rules_only("ik wil dood", "nl", ["ik heb de pillen hier naast me"]).severity == "imminent"
    # ...but a pronoun alone ("they're right here") names nothing
    assert rules_only("I want to die", "en", ["they're right here"]).severity == "elevated"
    assert rules_only("I want to die", "en", ["I don't have any pills here"]).severity == "elevated"


def test_context_signals_are_tagged():
    v = rules_only("i'm going to do it tonight", "en", ["i want to die"])
    assert v.severity == "high"
    assert v.signals == ("suicide_plan", "context:suicide_plan", "layer:context")
    v = rules_only("de pillen liggen klaar", "nl", ["ik wil dood"])
    assert v.severity == "imminent"
    assert v.signals == ("means_at_hand", "context:means_at_hand", "layer:rules", "layer:context")


def test_a_past_attempt_counts_as_crisis_context():
    v = rules_only("I've got the pills right here", "en", ["years ago I tried to kill myself"])
    assert v.severity == "imminent"


def test_only_the_last_five_messages_are_read():
    filler = ["ok", "work was fine", "had lunch", "the weather is nice", "my cat is asleep"]
    assert rules_only("i'm going to do it tonight", "en", ["i want to die"] + filler[:4]).severity == "high"
    assert rules_only("i'm going to do it tonight", "en", ["i want to die"] + filler).crisis is False
    res = rules.analyse_context("i'm going to do it tonight", "en", ["x", "i want to die", "a", "b"])
    assert res.triggers == (1,)


# ---------------------------------------------------------------- must not raise

NOT_RAISE_EN = [
    # the same follow-ups after a harmless context
    (["I should clean the garage"], "I'm going to do it tonight"),
    (["I have a headache"], "I've got the pills right here"),
    (["my pen pal wrote back"], "I already wrote the letters"),
    (["exam week is awful"], "it's over soon"),
    (["I forgot my antibiotics this morning"], "I already took them"),
    (["I'm going on holiday next week"], "please take care of my cat"),
    (["I'm thinking about quitting my job"], "I've made up my mind"),
    (["we're putting up a swing in the garden"], "I bought a rope today"),
    (["the party was amazing"], "thank you for everything. goodbye"),
    (["I'm decluttering my flat"], "I've given away my things to my friends"),
    (["I want to try that new climbing gym"], "I'm doing it tomorrow"),
    (["this traffic is killing me"], "I'll do it tomorrow"),
    (["I could kill for a coffee"], "i have everything i need"),
    (["I started new antidepressants"], "it's starting to work"),
    # abuse, harm to others and a friend at risk are crises, but not context for a suicide plan
    (["my dad hits me"], "I'm going to do it tonight"),
    (["my friend says she wants to kill herself"], "she's going to do it tonight"),
    # harmless follow-ups after a crisis
    (["i want to die"], "thanks"),
    (["i want to die"], "ok"),
    (["I want to kill myself"], "I'm going to bed now"),
    (["i want to die"], "tomorrow I'll call my sister"),
    (["I don't want to live anymore"], "I'll call the helpline tomorrow, I promise"),
    (["I want to die"], "ok I will call the helpline and I'll do it tomorrow"),
    (["I want to die"], "my cat just jumped on my lap"),
    (["I want to die"], "I took my meds this morning like the doctor said"),
    (["I want to die"], "I'm going to make some tea"),
    (["I want to die"], "can we talk about something else"),
    (["i want to die"], "my sister is coming over tonight"),
    (["i want to die"], "can you take care of my cat while I'm on holiday"),
]

NOT_RAISE_NL = [
    (["ik moet de garage nog opruimen"], "ik doe het vanavond"),
    (["ik heb hoofdpijn"], "ik heb de pillen hier"),
    (["mijn penvriendin schreef terug"], "ik heb de brieven al geschreven"),
    (["de examens zijn zwaar"], "het is bijna voorbij"),
    (["ik was mijn antibiotica vergeten"], "ik heb ze net genomen"),
    (["we gaan volgende week op vakantie"], "zorg goed voor mijn kat"),
    (["ik twijfel of ik van job verander"], "mijn besluit staat vast"),
    (["we gaan verhuizen"], "ik heb mijn spullen weggegeven"),
    (["het feest was geweldig"], "bedankt voor alles"),
    (["ik wil die nieuwe klimzaal proberen"], "ik ga het morgen doen"),
    (["ik ga dood van het lachen"], "ik doe het morgen"),
    (["ik verveel me dood"], "ik heb alles wat ik nodig heb"),
    (["ik ben met nieuwe antidepressiva begonnen"], "het begint te werken"),
    (["mijn vader slaat me"], "ik doe het vanavond"),
    (["mijn vriendin wil zelfmoord plegen"], "ze doet het vanavond"),
    (["ik wil dood"], "bedankt"),
    (["ik wil dood"], "oké"),
    (["ik wil dood"], "ik ga nu slapen"),
    (["ik wil dood"], "morgen bel ik mijn zus"),
    (["ik zie het niet meer zitten"], "ik bel morgen de huisarts, beloofd"),
    (["ik wil dood"], "mijn kat ligt op mijn schoot"),
    (["ik wil dood"], "ik heb mijn medicijnen genomen zoals de dokter zei"),
    (["ik wil dood"], "ik ga thee zetten"),
    (["ik wil dood"], "mijn zus komt vanavond langs"),
    (["ik wil dood"], "kunnen we over iets anders praten"),
    (["ik wil dood"], "kun je op mijn kat passen als ik op vakantie ben"),
]


@pytest.mark.parametrize("context, text, lang",
                         [pytest.param(c, t, "en", id=f"en-{i}") for i, (c, t) in enumerate(NOT_RAISE_EN)]
                         + [pytest.param(c, t, "nl", id=f"nl-{i}") for i, (c, t) in enumerate(NOT_RAISE_NL)])
def test_context_adds_nothing(context, text, lang):
    got = rules_only(text, lang, context)
    assert got == rules_only(text, lang), (text, got)
    assert not got.crisis, (text, got)


# ---------------------------------------------------------------- negation: no escalation, no clearing

NEGATED = [
    (["i want to die"], "no I'm not going to do anything tonight, I promise", "en"),
    (["i want to die"], "i'm not going to do it tonight", "en"),
    (["I want to kill myself"], "I won't do it tonight, I promise", "en"),
    (["i want to die"], "I don't have any pills here", "en"),
    (["i want to die"], "I never wrote any goodbye letters", "en"),
    (["ik wil dood"], "nee ik ga vanavond niks doen, beloofd", "nl"),
    (["ik wil dood"], "ik doe het vanavond niet", "nl"),
    (["ik wil dood"], "ik ga het niet doen", "nl"),
    (["ik wil dood"], "ik heb geen pillen in huis", "nl"),
    (["ik wil dood"], "vanavond doe ik het echt niet", "nl"),
]


@pytest.mark.parametrize("context, text, lang", NEGATED)
def test_negated_follow_up_neither_escalates_nor_clears(context, text, lang):
    assert rules_only(text, lang, context) == rules_only(text, lang)


@pytest.mark.parametrize("context, text, lang, severity", [
    # the person's own words still count: negating the plan clears nothing else
    (["i want to die"], "I won't do it tonight but I still want to die", "en", "elevated"),
    (["ik wil dood"], "ik doe het vanavond niet, maar ik wil echt niet meer leven", "nl", "elevated"),
    # a negated cue next to a real one: the real one raises
    (["i want to die"], "i'm not doing it tonight, i'm doing it right now", "en", "imminent"),
])
def test_negation_only_drops_its_own_cue(context, text, lang, severity):
    assert rules_only(text, lang, context).severity == severity


@pytest.mark.parametrize("context, text, lang", [
    (["i want to die"], "I won't call the helpline, I'm doing it tonight", "en"),
    (["i want to die"], "i'm doing it tonight, i will not call the helpline", "en"),
    (["ik wil dood"], "ik bel 113 niet, ik doe het vanavond", "nl"),
    (["ik wil dood"], "ik doe het vanavond, ik ga 113 niet bellen", "nl"),
])
def test_refusing_help_does_not_guard_the_plan(context, text, lang):
    """The help-seeking guard ("I'll call the helpline, I'll do it tomorrow") must not fire when
    the help is refused."""
    assert rules_only(text, lang, context).severity == "high"


def test_negated_cue_is_explained_as_dropped():
    res = rules.analyse_context("i'm not going to do it tonight", "en", ["i want to die"])
    assert res.severity is None and res.triggers == (0,)
    assert {d.reason for d in res.dropped} == {"negated"}
    res = rules.analyse_context("ik doe het vanavond niet", "nl", ["ik wil dood"])
    assert res.severity is None and {d.reason for d in res.dropped} == {"negated"}


def test_context_never_lowers():
    crisis = "I want to kill myself"
    for context in ([], ["thanks"], ["I'm fine now"], ["i want to die"], ["no i'm not going to do anything"]):
        assert rules_only(crisis, "en", context).severity == "high"
    assert rules_only("ik heb net alle pillen genomen", "nl", ["alles goed"]).severity == "imminent"


# ---------------------------------------------------------------- API

def test_api_accepts_any_sequence_and_rejects_bad_context():
    assert rules_only("I'm doing it tonight", "en", ("i want to die",)).severity == "high"
    assert rules_only("I'm doing it tonight", "en", iter(["i want to die"])).severity == "high"
    assert rules_only("I'm doing it tonight", "en", ["", "   ", "i want to die"]).severity == "high"
    with pytest.raises(TypeError):
        rules_only("I'm doing it tonight", "en", "i want to die")
    with pytest.raises(TypeError):
        rules_only("I'm doing it tonight", "en", ["i want to die", None])
    assert rules_only("", "en", ["i want to die"]).crisis is False
    # default: no context, behaviour as before
    assert detect("I'm doing it tonight", "en", use_embeddings=False).crisis is False


def test_context_lexicon_is_validated():
    base = {"person": {"first": "i", "third": "he"},
            "boundaries": {"clause": ",", "sentence": "[.]", "contrast": "but"}}
    with pytest.raises(ValueError):
        rules.build_lexicon({**base, "context": {"rules": [{"signal": "self_harm", "patterns": ["x"]}]}}, "en")
    with pytest.raises(ValueError):
        rules.build_lexicon({**base, "context": {"rules": [{"signal": "farewell", "patterns": ["x"],
                                                             "typo_field": True}]}}, "en")
    lx = rules.build_lexicon({**base, "context": {"rules": [{"signal": "farewell", "patterns": ["bye"]}]}}, "en")
    assert lx.context.rules[0].severity == "high"
    for lang in ("en", "nl"):
        cx = rules.lexicon(lang).context
        assert {r.signal for r in cx.rules} == set(rules.CONTEXT_SIGNALS)
        assert cx.guards


# ---------------------------------------------------------------- CLI

def run_cli(stdin: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.crisis", "--no-embeddings", *args],
                          input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)


def test_cli_reads_context():
    lines = [
        json.dumps({"text": "ik doe het vanavond", "lang": "nl", "context": ["ik wil dood"]}),
        json.dumps({"text": "ik doe het vanavond", "lang": "nl"}),
        json.dumps({"text": "I'm going to do it tonight", "context": ["I should clean the garage"]}),
        json.dumps({"text": "I'm going to do it tonight", "context": "i want to die"}),
        json.dumps({"text": "I'm going to do it tonight", "context": ["i want to die", 3]}),
        json.dumps({"text": "the pills are right here", "lang": "en", "context": ["I want to kill myself"]}),
    ]
    proc = run_cli("\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[0] == {"crisis": True, "band": "crisis", "severity": "high", "language": "nl",
                      "signals": ["suicide_plan", "context:suicide_plan", "layer:context"]}
    assert out[1]["crisis"] is False
    assert out[2]["crisis"] is False
    assert "context" in out[3]["error"] and "context" in out[4]["error"]
    assert out[5]["severity"] == "imminent" and "context:means_at_hand" in out[5]["signals"]


def test_cli_explains_context():
    line = json.dumps({"text": "no i'm not going to do it tonight", "context": ["hello", "i want to die"]})
    verdict = json.loads(run_cli(line + "\n", "--explain").stdout)
    assert verdict["crisis"] is False
    ctx = verdict["explain"]["context"]
    assert ctx["triggers"] == ["i want to die"]
    assert ctx["matches"] == [] and ctx["dropped"][0]["reason"] == "negated"


# ---------------------------------------------------------------- the conversation corpus

def load_corpus() -> list[dict]:
    with open(CORPUS, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_context_corpus_is_well_formed():
    rows = load_corpus()
    keys = [(tuple(r["context"]), r["text"], r["lang"]) for r in rows]
    assert len(set(keys)) == len(keys), "duplicates"
    for r in rows:
        assert set(r) == {"context", "text", "lang", "crisis", "severity"}, r
        assert r["lang"] in ("en", "nl") and isinstance(r["context"], list) and r["context"], r
        assert (r["severity"] in SEVERITIES) if r["crisis"] else r["severity"] is None, r
    for lang in ("en", "nl"):
        mine = [r for r in rows if r["lang"] == lang]
        assert sum(r["crisis"] for r in mine) >= 15 and sum(not r["crisis"] for r in mine) >= 15, lang


def test_context_corpus():
    rows = load_corpus()
    lines, problems = ["== conversation context corpus (rules only)"], []
    for lang in ("en", "nl"):
        mine = [r for r in rows if r["lang"] == lang]
        missed, under, false_alarms, raised_by_context = [], [], [], 0
        started = time.perf_counter()
        for r in mine:
            v = rules_only(r["text"], lang, r["context"])
            alone = rules_only(r["text"], lang)
            if severity_rank(v.severity) > severity_rank(alone.severity):
                raised_by_context += 1
            if r["crisis"]:
                if not v.crisis:
                    missed.append(r["text"])
                elif severity_rank(v.severity) < severity_rank(r["severity"]):
                    under.append((r["text"], r["severity"], v.severity))
            elif v.crisis:
                false_alarms.append((r["context"], r["text"], v.severity, v.signals))
        ms = (time.perf_counter() - started) * 1000 / max(len(mine), 1)
        pos = sum(r["crisis"] for r in mine)
        neg = len(mine) - pos
        fa = len(false_alarms) / neg if neg else 0.0
        recall = (pos - len(missed)) / pos if pos else 1.0
        lines.append(f"{lang}: n={len(mine)} recall={recall:.1%} ({pos - len(missed)}/{pos}) "
                     f"false-alarm={fa:.1%} ({len(false_alarms)}/{neg}) under-ranked={len(under)} "
                     f"raised-by-context={raised_by_context} {ms:.2f} ms/conversation")
        lines += [f"    MISSED: {t}" for t in missed]
        lines += [f"    UNDER-RANKED: {t} (label {lab}, got {got})" for t, lab, got in under]
        lines += [f"    FALSE ALARM: {c} -> {t} -> {sev} {list(sig)}" for c, t, sev, sig in false_alarms]
        if missed or under:
            problems.append(f"{lang}: missed {missed}, under-ranked {under}")
        if fa > MAX_FALSE_ALARM:
            problems.append(f"{lang}: false-alarm rate {fa:.1%} > 5%")
    print("\n" + "\n".join(lines))
    assert not problems, "\n".join(problems)
