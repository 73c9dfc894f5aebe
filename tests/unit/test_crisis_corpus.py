"""The labelled crisis corpus: recall, false alarms and severity, per language and category.

Pass criteria, per language, on tests/crisis_corpus/{en,nl}.jsonl:

* recall == 100 %: every crisis message gets the full response or the direct safety question (a
  missed crisis is the worst bug);
* false-alarm rate (the full response) <= 5 % over the non-crisis messages (idioms, mishaps,
  grief, ...), and the question on at most 10 % of them;
* severity: a raised crisis may be ranked at most ONE rank below its label, never two. Why one:
  the response to every crisis is the same at once (stop coaching, help lines, ask whether the
  person is safe); severity orders the mentor queue, and neighbouring ranks are a matter of
  judgement for borderline wording ("I want to die": passive wish or active intent?). Two ranks
  below (an overdose in progress queued as a passive wish) would put a person in danger at the
  back of the queue. Ranking higher than the label is allowed: it errs on the side of safety.
  The exact-match rate is reported too.

These corpora, and seen_holdout_{en,nl}.jsonl, are tuning data: the lexicon was tuned on them and
the classifier trains on them (bot/crisis/training/labels.yml). The seen holdout was written as a
holdout but later tuned on, so it is reported here (var/crisis_report.txt), not asserted. The
blind sets that were never tuned on are judged in test_crisis_blind.py.
"""
from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

import pytest

from bot.crisis import SEVERITIES, detect, severity_rank

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "crisis_corpus"
REPORT = ROOT / "var" / "crisis_report.txt"
CATEGORIES = {"explicit", "passive", "plan", "means", "in_progress", "self_harm", "harm_others", "abuse",
              "friend_at_risk", "past", "idiom", "mishap", "reflective_death", "grief", "sadness", "everyday",
              "reflection"}
MAX_FALSE_ALARM = 0.05   # the full crisis response on an ordinary message
MAX_ASKED = 0.10         # the direct safety question on an ordinary message


def load(name: str) -> list[dict]:
    with open(CORPUS / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(rows: list[dict], use_embeddings: bool) -> dict:
    per_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0])       # category -> [hits, n]
    missed, false_alarms, under, exact = [], [], [], 0
    started = time.perf_counter()
    asked = []
    for r in rows:
        v = detect(r["text"], r["lang"], use_embeddings=use_embeddings)
        cat = per_cat[r["category"]]
        cat[1] += 1
        if r["crisis"]:
            # Caught: the full response, or the direct question (the person's answer decides).
            if v.crisis or v.ask:
                cat[0] += 1
                exact += v.severity == r["severity"]
                if severity_rank(v.severity) < severity_rank(r["severity"]) - 1:
                    under.append((r["text"], r["severity"], v.severity))
            else:
                missed.append(r["text"])
        elif v.crisis:
            cat[0] += 1
            false_alarms.append((r["text"], v.severity, v.signals))
        elif v.ask:
            asked.append(r["text"])
    elapsed_ms = (time.perf_counter() - started) * 1000 / max(len(rows), 1)
    pos = sum(r["crisis"] for r in rows)
    neg = len(rows) - pos
    return {
        "n": len(rows), "pos": pos, "neg": neg,
        "recall": (pos - len(missed)) / pos if pos else 1.0,
        "false_alarm": len(false_alarms) / neg if neg else 0.0,
        "exact_severity": exact / (pos - len(missed)) if pos - len(missed) else 1.0,
        "asked": len(asked) / neg if neg else 0.0, "asked_texts": asked,
        "missed": missed, "false_alarms": false_alarms, "under": under,
        "per_category": dict(per_cat), "ms_per_message": elapsed_ms,
    }


def format_report(title: str, results: dict[str, dict]) -> str:
    lines = [f"== {title}"]
    for name, res in results.items():
        lines.append(
            f"{name:<22} n={res['n']:<4} recall={res['recall']:.1%} ({res['pos'] - len(res['missed'])}/{res['pos']}) "
            f"false-alarm={res['false_alarm']:.1%} ({len(res['false_alarms'])}/{res['neg']}) "
            f"asked={res['asked']:.1%} "
            f"exact-severity={res['exact_severity']:.0%} under-by-2+={len(res['under'])} "
            f"{res['ms_per_message']:.2f} ms/msg")
        for cat, (hits, n) in sorted(res["per_category"].items()):
            kind = "raised" if cat not in {"idiom", "mishap", "reflective_death", "grief", "sadness", "everyday",
                                           "reflection"} \
                else "false alarms"
            lines.append(f"    {cat:<18} {kind:<13} {hits}/{n}")
        lines += [f"    MISSED: {t}" for t in res["missed"]]
        lines += [f"    FALSE ALARM: {t} -> {sev} {list(sig)}" for t, sev, sig in res["false_alarms"]]
        lines += [f"    UNDER-RANKED: {t} (label {lab}, got {got})" for t, lab, got in res["under"]]
    return "\n".join(lines) + "\n"


def write_report(section: str, text: str) -> None:
    """Keep one section per test in var/crisis_report.txt, so either test can run alone."""
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    sections: dict[str, str] = {}
    if REPORT.exists():
        current = None
        for line in REPORT.read_text(encoding="utf-8").splitlines(keepends=True):
            if line.startswith("#### "):
                current = line[5:].strip()
                sections[current] = ""
            elif current:
                sections[current] += line
    sections[section] = text
    REPORT.write_text("".join(f"#### {k}\n{v}" for k, v in sorted(sections.items())), encoding="utf-8")
    print("\n" + text)


def check(results: dict[str, dict]) -> None:
    problems = []
    for name, res in results.items():
        if res["missed"]:
            problems.append(f"{name}: missed {res['missed']}")
        if res["false_alarm"] > MAX_FALSE_ALARM:
            problems.append(f"{name}: false-alarm rate {res['false_alarm']:.1%} > 5%: {res['false_alarms']}")
        if res["asked"] > MAX_ASKED:
            problems.append(f"{name}: asked on {res['asked']:.1%} of ordinary messages > 10%: {res['asked_texts']}")
        if res["under"]:
            problems.append(f"{name}: ranked two or more below the label: {res['under']}")
    assert not problems, "\n".join(problems)


def test_corpus_is_well_formed():
    total, negatives = 0, 0
    for name in ("en.jsonl", "nl.jsonl", "seen_holdout_en.jsonl", "seen_holdout_nl.jsonl"):
        rows = load(name)
        texts = [r["text"] for r in rows]
        assert len(set(texts)) == len(texts), f"duplicates in {name}"
        for r in rows:
            assert set(r) == {"text", "lang", "crisis", "severity", "category"}, r
            assert r["lang"] == name.split(".")[0][-2:], r
            assert r["category"] in CATEGORIES, r
            assert (r["severity"] in SEVERITIES) if r["crisis"] else r["severity"] is None, r
        if not name.startswith("seen_holdout"):
            total += len(rows)
            negatives += sum(not r["crisis"] for r in rows)
    assert total >= 400
    assert negatives / total >= 0.45


def test_corpus_lexicon_layer():
    """The lexicon layer alone must already meet the bar (it is what runs while the model loads)."""
    results = {f"{lang} (rules)": evaluate(load(f"{lang}.jsonl"), use_embeddings=False) for lang in ("en", "nl")}
    holdout = {f"holdout {lang} (rules)": evaluate(load(f"seen_holdout_{lang}.jsonl"), use_embeddings=False)
               for lang in ("en", "nl")}
    write_report("1 lexicon layer", format_report("main corpus, lexicon layer only", results)
                 + format_report("holdout (report only), lexicon layer only", holdout))
    check(results)


@pytest.mark.model
def test_corpus_full_detector():
    """Lexicon + embedding layer (English); the embedding layer must not add false alarms past 5%."""
    results = {f"{lang} (all layers)": evaluate(load(f"{lang}.jsonl"), use_embeddings=True) for lang in ("en", "nl")}
    holdout = {f"holdout {lang} (all layers)": evaluate(load(f"seen_holdout_{lang}.jsonl"), use_embeddings=True)
               for lang in ("en", "nl")}
    write_report("2 all layers", format_report("main corpus, all layers", results)
                 + format_report("holdout (report only), all layers", holdout))
    check(results)


@pytest.mark.model
def test_ordinary_reflections_raise_nothing():
    """Reflections of the kind the check-in and a group theme invite (reflections.jsonl, written with the
    self-help groups and never used to tune the detector): a false alarm there would throw a person out
    of their reflection into the crisis flow. No layer may raise on any of them."""
    rows = load("reflections.jsonl")
    assert {r["lang"] for r in rows} == {"en", "nl"} and not any(r["crisis"] for r in rows)
    for use_embeddings in (False, True):
        result = evaluate(rows, use_embeddings=use_embeddings)
        assert result["false_alarms"] == [], result["false_alarms"]
        # The direct question is a turn, not a takeover; still, it should be rare on reflections.
        # 8 of 35 were asked before the classifier learned ordinary reflections (a category it had
        # no lines for), 4 now (e.g. "nobody calls me anymore and it hurts"). Holding plain
        # reflections to 4 % in training cost a tenth of the crises caught out of fold, so the
        # thresholds favour catching (issue 11's note). This set has been looked at since, so it
        # is a regression guard, not a blind measure.
        assert len(result["asked_texts"]) <= 4, result["asked_texts"]
