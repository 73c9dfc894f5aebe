"""Imbalance findings: transparent rules over one check-in, and how long a pattern has lasted.

Every number comes from ``thresholds.yml`` (section ``findings`` and ``persistence``); see the
comments there. The rules, per dimension, only with the answers they need (skipped answers never
produce a finding):

over   ``over_share``        the dimension takes a clearly outsized share of the person's total
                             investment (share >= min_share and investment >= min_investment,
                             with enough dimensions answered and a large enough total);
       ``over_unfulfilled``  investment high while fulfilment stays low (and the gap is wide).
under  ``under_little``      little investment (at most max_investment, or a tiny share of the
                             total while itself low);
       ``under_valued_unfulfilled``  low fulfilment in a dimension whose values the person named
                             as mattering (and investment not high, or skipped).
balanced ``balanced_even``   no over or under finding, and the investments of enough dimensions
                             lie within max_spread of each other (one finding, dimension None).

A dimension gets at most one finding per kind; when two rules of the same kind fire, the stronger
one gives the reason and the other is listed in ``facts["also"]``.

Imbalance is a signal, not a fault: :func:`with_history` marks a pattern (same kind, same
dimension) *persistent* when it is present in at least ``min_count`` of the last ``window``
check-ins including the current one, else *temporary*; :func:`summarise` says "this has been so
for a while" only for persistent patterns and frames temporary ones as possibly what this phase
of life needs.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from bot.content import check_language, section
from bot.text import one_line

from .answers import join_list
from .model import DIMENSIONS, CheckIn, dimension, thresholds

KINDS = ("over", "under", "balanced")


@dataclass(frozen=True)
class Finding:
    kind: str                        # "over" | "under" | "balanced"
    dimension: str | None            # None for "balanced" (the whole profile)
    strength: float                  # 0..1, only for ordering (strongest first)
    reason_key: str                  # which rule fired; also the summary template key
    facts: dict[str, Any] = field(default_factory=dict, hash=False)   # the person's numbers
    persistent: bool | None = None   # None: history not looked at (see with_history)
    seen_in: int = 1                 # in how many of the last `window` check-ins the pattern shows
    window: int = 1

    @property
    def pattern(self) -> tuple[str, str | None]:
        return (self.kind, self.dimension)


def _past(value: float, threshold: float, limit: float) -> float:
    """How far *value* goes past *threshold* towards *limit*, as 0..1 (either direction)."""
    if limit == threshold:
        return 1.0
    return max(0.0, min(1.0, (value - threshold) / (limit - threshold)))


def _strength(value: float, threshold: float, limit: float) -> float:
    return round(0.5 + 0.5 * _past(value, threshold, limit), 4)


def _candidates(checkin: CheckIn, cfg: dict[str, Any]) -> list[Finding]:
    over_share = cfg["over"]["share"]
    over_unf = cfg["over"]["unfulfilled"]
    under_little = cfg["under"]["little"]
    under_valued = cfg["under"]["valued_unfulfilled"]

    investments = {d: checkin.investment(d) for d in DIMENSIONS if checkin.investment(d) is not None}
    total = sum(investments.values())
    answered = len(investments)
    shares_apply = answered >= int(over_share["min_answered"]) and total >= float(over_share["min_total"]) and total > 0

    out: list[Finding] = []
    for d in DIMENSIONS:
        a = checkin.answer(d)
        if a is None:
            continue
        inv, ful = a.investment, a.fulfilment
        share = inv / total if (inv is not None and shares_apply) else None
        base = {"investment": inv, "fulfilment": ful, "total": total, "answered": answered,
                "share": round(share * 100) if share is not None else None,
                "values": list(a.values), "other_value": a.other_value}

        if share is not None and share >= float(over_share["min_share"]) and inv >= int(over_share["min_investment"]):
            out.append(Finding("over", d, _strength(share, float(over_share["min_share"]), 1.0),
                               "over_share", dict(base)))
        if (inv is not None and ful is not None and inv >= int(over_unf["min_investment"])
                and ful <= int(over_unf["max_fulfilment"]) and inv - ful >= int(over_unf["min_gap"])):
            out.append(Finding("over", d, _strength(inv - ful, int(over_unf["min_gap"]), 10),
                               "over_unfulfilled", dict(base, gap=inv - ful)))
        if inv is not None:
            max_inv = int(under_little["max_investment"])
            if inv <= max_inv:
                out.append(Finding("under", d, _strength(-inv, -max_inv, 0), "under_little", dict(base)))
            elif (share is not None and share <= float(under_little["max_share"])
                  and inv <= int(under_little["share_max_investment"])):
                out.append(Finding("under", d, _strength(-share, -float(under_little["max_share"]), 0),
                                   "under_little", dict(base)))
        if (ful is not None and a.named_values and ful <= int(under_valued["max_fulfilment"])
                and (inv is None or inv <= int(under_valued["max_investment"]))):
            max_ful = int(under_valued["max_fulfilment"])
            out.append(Finding("under", d, _strength(-ful, -max_ful, 0), "under_valued_unfulfilled", dict(base)))
    return out


def _order(f: Finding) -> tuple:
    dim_rank = DIMENSIONS.index(f.dimension) if f.dimension in DIMENSIONS else len(DIMENSIONS)
    return (-f.strength, KINDS.index(f.kind), dim_rank)


def findings_for(checkin: CheckIn) -> list[Finding]:
    """The imbalance findings of one check-in, strongest first (see the module docstring)."""
    cfg = thresholds()["findings"]
    best: dict[tuple[str, str | None], Finding] = {}
    also: dict[tuple[str, str | None], list[str]] = {}
    for f in sorted(_candidates(checkin, cfg), key=_order):
        if f.pattern in best:
            also.setdefault(f.pattern, []).append(f.reason_key)
        else:
            best[f.pattern] = f
    found = []
    for pattern, f in best.items():
        if pattern in also:
            f = replace(f, facts=dict(f.facts, also=also[pattern]))
        found.append(f)

    if not found:
        bal = cfg["balanced"]
        investments = [v for v in (checkin.investment(d) for d in DIMENSIONS) if v is not None]
        if len(investments) >= int(bal["min_answered"]):
            spread = max(investments) - min(investments)
            if spread <= int(bal["max_spread"]):
                found.append(Finding("balanced", None, round(1 - spread / 10, 4), "balanced_even",
                                     {"low": min(investments), "high": max(investments),
                                      "spread": spread, "answered": len(investments)}))
    return sorted(found, key=_order)


def with_history(current: CheckIn, previous: list[CheckIn],
                 findings: list[Finding] | None = None) -> list[Finding]:
    """The current findings, each marked persistent or temporary.

    A pattern (kind, dimension) is persistent when it shows up in at least ``min_count`` of the
    last ``window`` check-ins, the current one included; only check-ins taken before the current
    one count as earlier ones (in any order; the most recent ``window - 1`` are used).
    """
    cfg = thresholds()["persistence"]
    window, min_count = int(cfg["window"]), int(cfg["min_count"])
    current_findings = findings_for(current) if findings is None else findings
    earlier = sorted((c for c in previous if c is not current and c.taken_at < current.taken_at),
                     key=lambda c: c.taken_at, reverse=True)[: max(0, window - 1)]
    earlier_patterns = [{f.pattern for f in findings_for(c)} for c in earlier]
    size = 1 + len(earlier)
    out = []
    for f in current_findings:
        seen = 1 + sum(1 for patterns in earlier_patterns if f.pattern in patterns)
        out.append(replace(f, persistent=seen >= min_count, seen_in=seen, window=size))
    return out


# --------------------------------------------------------------------------------------------
# Plain-language summary


def _sentence(s: str) -> str:
    s = one_line(s)
    return s[:1].upper() + s[1:] if s else s


def _values_phrase(f: Finding, lang: str) -> str:
    dim = dimension(f.dimension, lang)
    labels = [dim.value(v).label for v in f.facts.get("values") or ()]
    other = (f.facts.get("other_value") or "").strip()
    if other:
        labels.append(other)
    return join_list(labels, lang)


def _main_sentence(f: Finding, texts: dict[str, Any], lang: str) -> str:
    if f.kind == "balanced":
        return texts["balanced"].format(**f.facts)
    fill = dict(f.facts, area=dimension(f.dimension, lang).area)
    if f.reason_key == "under_valued_unfulfilled":
        fill["values"] = _values_phrase(f, lang)
    return texts[f.reason_key].format(**fill)


def summarise(findings: list[Finding], lang: str, checkin: CheckIn | None = None) -> list[str]:
    """Plain sentences about the findings, strongest first, ending with one gentle invitation.

    Built from the person's own numbers; persistent patterns say "this has been so for a while",
    temporary ones are framed as possibly what this phase of life needs. The caller may put
    ``checkin.summary.intro`` before them. With no findings the one sentence says there is no
    clear pattern (or, given *checkin*, that too few questions were answered to say much).
    """
    texts = section(check_language(lang), "checkin")["summary"]
    limit = int(thresholds().get("summary", {}).get("max_findings", 3))
    ordered = sorted(findings, key=_order)[:limit]
    if not ordered:
        if checkin is not None:
            answered = sum(1 for d in DIMENSIONS if checkin.investment(d) is not None)
            if answered < int(thresholds()["findings"]["balanced"]["min_answered"]):
                return [_sentence(texts["too_few"])]
        return [_sentence(texts["none"])]

    temporary_used: dict[str, int] = {}

    def framing(f: Finding, seen: int | None = None) -> str:
        if f.persistent:
            key = "persistent_balanced" if f.kind == "balanced" else "persistent"
            return texts[key].format(count=f.seen_in if seen is None else seen, window=f.window)
        if f.kind == "balanced":
            return ""
        options = texts["temporary"][f.reason_key]
        used = temporary_used.get(f.reason_key, 0)
        temporary_used[f.reason_key] = used + 1
        return options[used % len(options)]

    # "You give X a lot (8) and Y very little (2)": one sentence for the strongest over and the
    # strongest little-investment finding, when both are equally persistent (or temporary).
    overs = [f for f in ordered if f.kind == "over"]
    littles = [f for f in ordered if f.kind == "under" and f.reason_key == "under_little"]
    pair = None
    if overs and littles and bool(overs[0].persistent) == bool(littles[0].persistent):
        pair = (overs[0], littles[0])

    sentences: list[str] = []
    for f in ordered:
        if pair and f is pair[1]:
            continue
        if pair and f is pair[0]:
            over, under = pair
            main = texts["over_and_under"].format(
                over_area=dimension(over.dimension, lang).area, over_investment=over.facts["investment"],
                under_area=dimension(under.dimension, lang).area, under_investment=under.facts["investment"])
            frame = framing(over, seen=min(over.seen_in, under.seen_in))
        else:
            main = _main_sentence(f, texts, lang)
            frame = framing(f)
        sentences.append(" ".join(_sentence(s) for s in (main, frame) if s))

    focus = next((f for f in ordered if f.persistent and f.kind != "balanced"), ordered[0])
    if focus.kind == "balanced":
        sentences.append(_sentence(texts["invite"]["balanced"]))
    else:
        sentences.append(_sentence(texts["invite"][focus.kind].format(area=dimension(focus.dimension, lang).area)))
    return sentences


def focus_dimension(findings: list[Finding]) -> str | None:
    """The dimension the summary's invitation points to (None for a balanced profile)."""
    ordered = sorted(findings, key=_order)
    if not ordered:
        return None
    focus = next((f for f in ordered if f.persistent and f.kind != "balanced"), ordered[0])
    return focus.dimension
