"""Imbalance findings: the rules, their thresholds (from the YAML), persistence and the summary."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import yaml

from bot.wellbeing import model
from bot.wellbeing.findings import Finding, findings_for, focus_dimension, summarise, with_history
from bot.wellbeing.model import DIMENSIONS, CheckIn, DimensionAnswer

START = datetime(2025, 3, 1, 20, 0)


def checkin(inv, ful=(5, 5, 5, 5), values=None, day=0) -> CheckIn:
    values = values or {}
    return CheckIn({d: DimensionAnswer(d, i, f, values.get(d, ())) for d, i, f in zip(DIMENSIONS, inv, ful)},
                   START + timedelta(days=day))


def kinds(findings):
    return [(f.kind, f.dimension, f.reason_key) for f in findings]


def test_outsized_share_is_over_investment():
    found = findings_for(checkin((9, 3, 3, 3)))
    assert ("over", "physical", "over_share") in kinds(found)
    over = next(f for f in found if f.kind == "over")
    assert over.facts["investment"] == 9 and over.facts["share"] == 50 and over.facts["total"] == 18


def test_high_investment_with_low_fulfilment_is_over_investment():
    found = findings_for(checkin((5, 8, 5, 5), (5, 2, 5, 5)))
    assert kinds(found) == [("over", "social", "over_unfulfilled")]
    assert found[0].facts["gap"] == 6


def test_little_investment_is_under_investment():
    found = findings_for(checkin((6, 6, 6, 1)))
    assert kinds(found) == [("under", "spiritual", "under_little")]


def test_low_fulfilment_in_a_valued_dimension_is_under_investment():
    found = findings_for(checkin((5, 5, 5, 5), (5, 2, 5, 5), values={"social": ("belonging",)}))
    assert kinds(found) == [("under", "social", "under_valued_unfulfilled")]
    # the same numbers without named values: nothing to say about values that matter
    assert not [f for f in findings_for(checkin((5, 5, 5, 5), (5, 2, 5, 5))) if f.kind == "under"]


def test_an_own_value_counts_as_a_value_that_matters():
    c = CheckIn({"social": DimensionAnswer("social", 4, 1, (), other_value="my neighbours")}, START)
    assert kinds(findings_for(c)) == [("under", "social", "under_valued_unfulfilled")]


def test_even_profile_is_balanced():
    found = findings_for(checkin((5, 6, 5, 7), (6, 6, 6, 6)))
    assert len(found) == 1
    f = found[0]
    assert f.kind == "balanced" and f.dimension is None and f.facts["low"] == 5 and f.facts["high"] == 7


def test_skipped_answers_never_produce_findings():
    assert findings_for(CheckIn({}, START)) == []
    # body skipped entirely, spiritual investment skipped: no finding may name them
    c = CheckIn({"physical": None,
                 "social": DimensionAnswer("social", 5, 5),
                 "psychological": DimensionAnswer("psychological", 5, 5),
                 "spiritual": DimensionAnswer("spiritual", None, 5, ("connection",))}, START)
    assert findings_for(c) == []          # two investments only: too few for balance either
    c = CheckIn({"physical": DimensionAnswer("physical", 0, None),
                 "social": DimensionAnswer("social", None, None, ("belonging",))}, START)
    assert kinds(findings_for(c)) == [("under", "physical", "under_little")]


def test_strongest_first_and_one_finding_per_kind_and_dimension():
    found = findings_for(checkin((10, 2, 3, 3), (2, 5, 5, 5)))
    strengths = [f.strength for f in found]
    assert strengths == sorted(strengths, reverse=True)
    over = [f for f in found if f.kind == "over"]
    assert len(over) == 1 and set(over[0].facts["also"]) | {over[0].reason_key} == {"over_share", "over_unfulfilled"}
    assert all(0.5 <= f.strength <= 1 for f in found)


def test_thresholds_really_come_from_the_yaml(tmp_path, monkeypatch):
    c = checkin((9, 3, 3, 3))
    assert ("over", "physical", "over_share") in kinds(findings_for(c))
    data = yaml.safe_load(model.THRESHOLDS_PATH.read_text(encoding="utf-8"))
    data["findings"]["over"]["share"]["min_share"] = 0.6
    path = tmp_path / "thresholds.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setattr(model, "THRESHOLDS_PATH", path)
    assert ("over", "physical", "over_share") not in kinds(findings_for(c))

    data["findings"]["under"]["little"]["max_investment"] = 3
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert {("under", d) for d in ("social", "psychological", "spiritual")} <= {f.pattern for f in findings_for(c)}


# ---- temporary vs persistent ------------------------------------------------------------------

def test_two_of_the_last_three_is_persistent():
    current = checkin((2, 8, 5, 5), day=30)
    earlier = [checkin((2, 8, 5, 5), day=20), checkin((5, 5, 5, 5), day=10)]
    found = with_history(current, earlier)
    assert found and all(f.persistent for f in found)
    assert {(f.seen_in, f.window) for f in found} == {(2, 3)}


def test_present_only_now_is_temporary():
    current = checkin((2, 8, 5, 5), day=30)
    earlier = [checkin((5, 5, 5, 5), day=20), checkin((6, 6, 5, 5), day=10)]
    found = with_history(current, earlier)
    assert found and not any(f.persistent for f in found)
    assert with_history(current, []) and not any(f.persistent for f in with_history(current, []))


def test_only_the_last_three_count_and_order_does_not_matter():
    current = checkin((2, 6, 6, 6), day=40)
    old_pattern = [checkin((2, 6, 6, 6), day=d) for d in (1, 2, 3)]
    recent_even = [checkin((6, 6, 6, 6), day=d) for d in (30, 20)]
    assert not any(f.persistent for f in with_history(current, old_pattern + recent_even))
    shuffled = [recent_even[1], checkin((2, 6, 6, 6), day=35), old_pattern[0]]
    assert all(f.persistent for f in with_history(current, shuffled))
    # a check-in taken after the current one is not "earlier"
    assert not any(f.persistent for f in with_history(current, [checkin((2, 6, 6, 6), day=50)]))


def test_persistence_window_comes_from_the_yaml(tmp_path, monkeypatch):
    current = checkin((2, 6, 6, 6), day=30)
    earlier = [checkin((6, 6, 6, 6), day=20), checkin((2, 6, 6, 6), day=10)]
    assert all(f.persistent for f in with_history(current, earlier))
    data = yaml.safe_load(model.THRESHOLDS_PATH.read_text(encoding="utf-8"))
    data["persistence"]["min_count"] = 3
    path = tmp_path / "thresholds.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setattr(model, "THRESHOLDS_PATH", path)
    assert not any(f.persistent for f in with_history(current, earlier))


# ---- summary ----------------------------------------------------------------------------------

JUDGING = re.compile(r"\b(should|must|wrong|bad|fail\w*|neglect\w*|unhealthy|moet|fout|slecht|verwaarloos\w*)\b",
                     re.IGNORECASE)


def test_summary_uses_the_persons_numbers_and_invites():
    found = with_history(checkin((2, 8, 5, 5), day=1), [])
    en = summarise(found, "en")
    assert en[0].startswith("You give your relationships a lot of your energy (8 of 10) and your body very little (2 of 10).")
    assert "This has been so" not in " ".join(en)
    assert "phase" in en[0]                          # temporary: maybe what this phase needs
    assert en[-1].startswith("If you'd like")        # an invitation, not an instruction
    assert not any(JUDGING.search(s) for s in en)


def test_summary_is_dutch_for_nl():
    found = with_history(checkin((2, 8, 5, 5), day=1), [])
    nl = summarise(found, "nl")
    assert nl[0].startswith("Je geeft je relaties veel van je energie (8 van 10) en je lichaam heel weinig (2 van 10).")
    assert "levensfase" in nl[0] and nl[-1].startswith("Als je wilt")
    assert not any(JUDGING.search(s) for s in nl)


def test_persistent_findings_say_so():
    current = checkin((5, 8, 5, 5), (5, 2, 5, 5), day=30)
    found = with_history(current, [checkin((5, 9, 5, 5), (5, 3, 5, 5), day=20)])
    en = summarise(found, "en")
    assert "You give your relationships a lot (8 of 10), and at the moment you get less back (2 of 10)." in en[0]
    assert "This has been so for a while now: it shows up in 2 of your last 2 check-ins." in en[0]
    nl = summarise(found, "nl")
    assert "Dit is al een tijdje zo" in nl[0] and "8 van 10" in nl[0]


def test_valued_but_unfulfilled_names_the_values():
    c = checkin((5, 5, 5, 5), (5, 5, 2, 5), values={"psychological": ("freedom", "truth")})
    en = summarise(with_history(c, []), "en")
    assert "You named freedom and truth as important to you" in en[0] and "(2 of 10)" in en[0]
    assert "vrijheid en waarheid" in summarise(with_history(c, []), "nl")[0]


def test_balanced_and_empty_summaries():
    assert "between 5 and 7 of 10" in summarise(findings_for(checkin((5, 6, 5, 7))), "en")[0]
    assert summarise([], "en") and "pattern" in summarise([], "en")[0]
    few = CheckIn({"social": DimensionAnswer("social", 5, 5)}, START)
    assert "skipped" in summarise([], "en", checkin=few)[0]


def test_strongest_first_and_invitation_prefers_a_persistent_pattern():
    first = Finding("over", "social", 0.9, "over_unfulfilled", {"investment": 9, "fulfilment": 2},
                    persistent=False, seen_in=1, window=3)
    second = Finding("under", "physical", 0.6, "under_valued_unfulfilled",
                     {"investment": 5, "fulfilment": 2, "values": ["health"], "other_value": None},
                     persistent=True, seen_in=2, window=3)
    en = summarise([second, first], "en")
    assert "9 of 10" in en[0] and "health" in en[1]
    assert "your body" in en[-1]
    assert focus_dimension([second, first]) == "physical"


# ------------------------------------------------------------------ edge cases


def test_all_zeros_is_under_investment_everywhere_and_never_over_or_balanced():
    found = findings_for(checkin((0, 0, 0, 0), ful=(0, 0, 0, 0)))
    assert {f.dimension for f in found if f.kind == "under"} == set(DIMENSIONS)
    assert not [f for f in found if f.kind in ("over", "balanced")]
    assert summarise(found, "en")  # still a kind sentence, no division by zero


def test_everything_skipped_gives_no_findings_and_says_so():
    skipped = CheckIn({d: None for d in DIMENSIONS}, START)
    assert findings_for(skipped) == []
    assert "skipped" in " ".join(summarise([], "en", skipped)).lower()


def test_a_tie_gives_both_dimensions_in_a_stable_order():
    first = findings_for(checkin((8, 8, 1, 1)))
    again = findings_for(checkin((8, 8, 1, 1)))
    over = [f.dimension for f in first if f.kind == "over"]
    assert set(over) == {"physical", "social"}
    assert kinds(first) == kinds(again)


def test_one_dimension_only_is_too_little_to_judge_balance():
    only_body = CheckIn({"physical": DimensionAnswer("physical", 9, 6)}, START)
    found = findings_for(only_body)
    assert not [f for f in found if f.reason_key in ("over_share", "balanced_even")]
