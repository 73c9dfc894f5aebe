"""The lexicon layer: normalised patterns with idiom guards and context checks.

Everything language-specific (patterns, idiom guards, negation cues, third-person cues, past and
recent time cues, clause boundaries) lives in ``lexicon/<lang>.yml``; this module is the engine and
the severity policy.

How one message is read
-----------------------
1. :mod:`bot.crisis.normalise` produces one or two normalised readings; each is matched and the
   findings are merged.
2. Every pattern of every rule is matched. A match is then checked, in this order:

   * **guard**: if an idiom guard (``guards``) overlaps the match, this one match is dropped.
     Guards never touch other matches, so "this traffic is killing me and I want to end it all"
     still raises on "end it all".
   * **negation** (rules with ``negatable: true``, the default): a negation cue right before the
     match in the same clause ("I would never kill myself", "I don't want to die"), or right after
     it ("suicide is not an option"), drops the match. Patterns that carry their own negation
     ("I don't want to live anymore") sit in rules with ``negatable: false``.
   * **person** (rules with ``person_check: true``): the nearest subject before the match in its
     clause decides whose words these are. A third person ("my friend", "she") turns the finding
     into ``friend_at_risk``; a generic subject ("people who ...") drops it.
   * **time** (rules with ``past:`` or ``recent:``): a distant-past cue in the same sentence
     segment ("years ago", "when I was 16", "used to") turns the finding into its ``past`` signal
     (severity *concern*: reflective history is never silently dropped); a recent cue ("last night",
     "an hour ago") turns it into its ``recent`` signal. A present cue ("again", "lately") in the
     segment cancels the past reading.
3. Rules with ``requires_any`` count only when one of the listed signals was also found.
4. Combinations: means (``means_at_hand`` or ``means_context``) together with suicidal ideation
   or a plan is *imminent*.

Severity policy (ascending): concern < elevated < high < imminent, see :data:`SIGNAL_SEVERITY`.

Conversation context
--------------------
Some messages are only a crisis because of what the person said just before: "I'm going to do
it tonight", "the pills are right here", "I already wrote the letters" after "I want to die".
:func:`analyse_context` reads the person's previous few messages (rules only, cached on their
normalised readings) and, when one of them is itself a self-directed crisis
(:data:`CONTEXT_TRIGGER_SIGNALS`), matches the ``context`` section of the lexicon (context cues:
plan and timing, means at hand, farewell acts, an act in progress) against the current message.
The same guards, negation and (per rule) subject checks apply to the cues; the ``context``
section may add its own guards and negation cues. Context only ever raises: the current message
is still assessed alone, and a harmless context never turns an ordinary message into a crisis.
One combination works the other way round: a cue marked ``before_crisis`` (means named in an
earlier message: "I've got the pills right here") makes suicidal ideation in the current message
*imminent*, as if both had been said in one message.
"""
from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .normalise import LANGUAGES, load_lexicon_file, variants

SEVERITIES = ("concern", "elevated", "high", "imminent")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}

# Default severity of each signal. ``None``: informational, raises nothing on its own.
SIGNAL_SEVERITY: dict[str, str | None] = {
    "act_in_progress": "imminent",
    "suicidal_ideation_explicit": "high",
    "suicide_plan": "high",
    "means_at_hand": "high",
    "recent_attempt": "high",
    "suicidal_ideation_passive": "elevated",
    "life_weariness": "elevated",     # alone: the direct question first (bot/crisis/__init__.py)
    "suicide_attempt": "elevated",
    "self_harm": "elevated",
    "harm_to_others": "concern",
    "abuse_or_violence": "concern",
    "friend_at_risk": "concern",
    "past_attempt": "concern",
    "past_self_harm": "concern",
    "past_suicidal_thoughts": "concern",
    "means_context": None,
    "farewell": "high",             # only raised from conversation context (lexicon ``context``)
}
IDEATION_SIGNALS = frozenset({
    "suicidal_ideation_explicit", "suicidal_ideation_passive", "suicide_plan", "recent_attempt", "life_weariness",
})
MEANS_SIGNALS = frozenset({"means_at_hand", "means_context"})
# The person's past, told as past: on their own they earn the direct question, never a takeover.
HISTORY_SIGNALS = frozenset({"past_attempt", "past_self_harm", "past_suicidal_thoughts"})

# Signals a context cue may raise, with their default severity: a plan is high, means at hand or an
# act in progress is imminent, a farewell act (letters, giving things away) counts as a plan.
CONTEXT_SIGNALS: dict[str, str] = {
    "suicide_plan": "high",
    "farewell": "high",
    "means_at_hand": "imminent",
    "act_in_progress": "imminent",
}
# A previous message with one of these signals (the person's own suicidal thoughts, plans, means,
# attempts or self-harm, also in the past) makes context cues in the current message count.
# Abuse, harm to others and a friend at risk do not: "I'm going to do it tonight" after "my
# father hits me" is not a suicide plan.
CONTEXT_TRIGGER_SIGNALS = frozenset({
    "act_in_progress", "suicidal_ideation_explicit", "suicide_plan", "means_at_hand", "recent_attempt",
    "suicidal_ideation_passive", "life_weariness", "suicide_attempt", "self_harm", "past_attempt", "past_self_harm",
    "past_suicidal_thoughts", "farewell",
})
MAX_CONTEXT = 5          # previous messages read, the most recent ones


def severity_rank(sev: str | None) -> int:
    """Rank of a severity: None -> -1, "concern" -> 0 ... "imminent" -> 3."""
    if sev is None:
        return -1
    return _RANK[sev]


def max_severity(sevs: Iterable[str | None]) -> str | None:
    best: str | None = None
    for s in sevs:
        if severity_rank(s) > severity_rank(best):
            best = s
    return best


_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


def _expand(pattern: str, macros: dict[str, str], depth: int = 0) -> str:
    if depth > 10:
        raise ValueError(f"macro recursion too deep in {pattern!r}")

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in macros:
            raise KeyError(f"unknown macro {{{name}}} in pattern {pattern!r}")
        return "(?:" + _expand(macros[name], macros, depth + 1) + ")"

    return _MACRO.sub(sub, pattern)


def _compile(pattern: str, macros: dict[str, str], where: str) -> re.Pattern[str]:
    try:
        return re.compile(_expand(pattern, macros))
    except (re.error, KeyError, ValueError) as exc:
        raise ValueError(f"bad pattern in {where}: {pattern!r}: {exc}") from exc


@dataclass(frozen=True)
class Rule:
    id: str
    signal: str
    severity: str | None
    patterns: tuple[re.Pattern[str], ...]
    negatable: bool = True
    person_check: bool = False
    past: str | None = None
    recent: str | None = None
    requires_any: frozenset[str] = frozenset()
    before_crisis: bool = False     # context cues: also counts in a message BEFORE the crisis one
    drop_if_past: bool = False      # context cues: a distant-past cue in the sentence drops the match


@dataclass(frozen=True)
class ContextLexicon:
    """The ``context`` section of a lexicon: cues that count only after a crisis message."""

    rules: tuple[Rule, ...] = ()
    guards: tuple[tuple[str, re.Pattern[str]], ...] = ()
    neg_before: tuple[re.Pattern[str], ...] = ()
    neg_after: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Lexicon:
    language: str
    rules: tuple[Rule, ...]
    guards: tuple[tuple[str, re.Pattern[str]], ...]
    neg_before: tuple[re.Pattern[str], ...]
    neg_after: tuple[re.Pattern[str], ...]
    person_first: re.Pattern[str]
    person_third: re.Pattern[str]
    person_generic: re.Pattern[str] | None
    time_past: tuple[re.Pattern[str], ...]
    time_recent: tuple[re.Pattern[str], ...]
    time_present: tuple[re.Pattern[str], ...]
    clause_boundary: re.Pattern[str]
    sentence_boundary: re.Pattern[str]
    contrast_boundary: re.Pattern[str]
    context: ContextLexicon = field(default_factory=ContextLexicon)


def _compile_list(items, macros, where) -> tuple[re.Pattern[str], ...]:
    return tuple(_compile(p, macros, where) for p in (items or ()))


def build_lexicon(data: dict, lang: str) -> Lexicon:
    macros = {str(k): str(v) for k, v in (data.get("macros") or {}).items()}
    rules = []
    for i, r in enumerate(data.get("rules") or ()):
        rid = r.get("id") or f"rule{i}"
        signal = r["signal"]
        if signal not in SIGNAL_SEVERITY:
            raise ValueError(f"{lang}: rule {rid}: unknown signal {signal!r}")
        for key in ("past", "recent"):
            if r.get(key) and r[key] not in SIGNAL_SEVERITY:
                raise ValueError(f"{lang}: rule {rid}: unknown {key} signal {r[key]!r}")
        sev = r.get("severity", SIGNAL_SEVERITY[signal])
        if sev is not None and sev not in _RANK:
            raise ValueError(f"{lang}: rule {rid}: unknown severity {sev!r}")
        rules.append(Rule(
            id=rid,
            signal=signal,
            severity=sev,
            patterns=_compile_list(r.get("patterns"), macros, f"{lang}:{rid}"),
            negatable=bool(r.get("negatable", True)),
            person_check=bool(r.get("person_check", False)),
            past=r.get("past"),
            recent=r.get("recent"),
            requires_any=frozenset(r.get("requires_any") or ()),
        ))
    guards = _build_guards(data.get("guards"), macros, lang)
    neg = data.get("negation") or {}
    person = data.get("person") or {}
    time = data.get("time") or {}
    bounds = data.get("boundaries") or {}
    generic = person.get("generic")
    return Lexicon(
        language=lang,
        rules=tuple(rules),
        guards=guards,
        neg_before=_compile_list(neg.get("before"), macros, f"{lang}:negation.before"),
        neg_after=_compile_list(neg.get("after"), macros, f"{lang}:negation.after"),
        person_first=_compile(person["first"], macros, f"{lang}:person.first"),
        person_third=_compile(person["third"], macros, f"{lang}:person.third"),
        person_generic=_compile(generic, macros, f"{lang}:person.generic") if generic else None,
        time_past=_compile_list(time.get("past"), macros, f"{lang}:time.past"),
        time_recent=_compile_list(time.get("recent"), macros, f"{lang}:time.recent"),
        time_present=_compile_list(time.get("present"), macros, f"{lang}:time.present"),
        clause_boundary=_compile(bounds["clause"], macros, f"{lang}:boundaries.clause"),
        sentence_boundary=_compile(bounds["sentence"], macros, f"{lang}:boundaries.sentence"),
        contrast_boundary=_compile(bounds["contrast"], macros, f"{lang}:boundaries.contrast"),
        context=build_context(data.get("context") or {}, macros, lang),
    )


def _build_guards(items, macros: dict[str, str], lang: str, where: str = "guard"):
    return tuple(
        (g.get("id", f"guard{i}"), _compile(g["pattern"], macros, f"{lang}:{where}:{g.get('id', i)}"))
        for i, g in enumerate(items or ())
    )


def build_context(data: dict, macros: dict[str, str], lang: str) -> ContextLexicon:
    """Compile the ``context`` section of a lexicon (see :data:`CONTEXT_SIGNALS`)."""
    rules = []
    for i, r in enumerate(data.get("rules") or ()):
        rid = r.get("id") or f"context{i}"
        signal = r["signal"]
        if signal not in CONTEXT_SIGNALS:
            raise ValueError(f"{lang}: context rule {rid}: signal {signal!r} is not one of "
                             f"{sorted(CONTEXT_SIGNALS)}")
        sev = r.get("severity", CONTEXT_SIGNALS[signal])
        if sev not in _RANK:
            raise ValueError(f"{lang}: context rule {rid}: unknown severity {sev!r}")
        unknown = set(r) - {"id", "signal", "severity", "patterns", "negatable", "person_check",
                            "before_crisis", "drop_if_past"}
        if unknown:
            raise ValueError(f"{lang}: context rule {rid}: unknown fields {sorted(unknown)}")
        rules.append(Rule(
            id=rid,
            signal=signal,
            severity=sev,
            patterns=_compile_list(r.get("patterns"), macros, f"{lang}:context:{rid}"),
            negatable=bool(r.get("negatable", True)),
            person_check=bool(r.get("person_check", False)),
            before_crisis=bool(r.get("before_crisis", False)),
            drop_if_past=bool(r.get("drop_if_past", False)),
        ))
    neg = data.get("negation") or {}
    return ContextLexicon(
        rules=tuple(rules),
        guards=_build_guards(data.get("guards"), macros, lang, "context.guard"),
        neg_before=_compile_list(neg.get("before"), macros, f"{lang}:context.negation.before"),
        neg_after=_compile_list(neg.get("after"), macros, f"{lang}:context.negation.after"),
    )


_lock = threading.Lock()
_lexicons: dict[str, Lexicon] = {}


def lexicon(lang: str) -> Lexicon:
    """The compiled lexicon for *lang*, loaded once (thread-safe)."""
    lx = _lexicons.get(lang)
    if lx is not None:
        return lx
    with _lock:
        lx = _lexicons.get(lang)
        if lx is None:
            lx = build_lexicon(load_lexicon_file(lang), lang)
            _lexicons[lang] = lx
    return lx


@dataclass(frozen=True)
class Finding:
    signal: str
    severity: str | None
    rule: str
    span: tuple[int, int]
    text: str
    note: str = ""          # why the signal was changed: "third_person", "past", "recent"


@dataclass(frozen=True)
class Dropped:
    rule: str
    span: tuple[int, int]
    text: str
    reason: str             # "guard:<id>", "negated", "generic_subject", "requires_any"


@dataclass
class Reading:
    """One normalised reading of a message with its clause and sentence boundaries."""

    text: str
    clause_starts: list[int] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)
    sentence_ends: list[int] = field(default_factory=list)
    contrast_points: list[int] = field(default_factory=list)
    guard_spans: list[tuple[str, int, int]] = field(default_factory=list)


def _reading(text: str, lx: Lexicon, extra_guards: tuple[tuple[str, re.Pattern[str]], ...] = ()) -> Reading:
    rd = Reading(text)
    rd.clause_starts = [0] + [m.end() for m in lx.clause_boundary.finditer(text)]
    rd.sentence_starts = [0] + [m.end() for m in lx.sentence_boundary.finditer(text)]
    rd.sentence_ends = [m.start() for m in lx.sentence_boundary.finditer(text)] + [len(text)]
    rd.contrast_points = sorted(m.start() for m in lx.contrast_boundary.finditer(text))
    extra = set(extra_guards)
    for gid, g in lx.guards + extra_guards:
        for m in g.finditer(text):
            # A context guard that is itself negated ("I WON'T call the helpline, I'm doing it
            # tonight") guards nothing.
            if (gid, g) in extra and _negated(rd, lx, m.start(), m.start()):
                continue
            # A guard may mark the idiom itself with groups named hit, hit2...: only those spans
            # are guarded, the context around them is not.
            hits = [n for n in g.groupindex if n.startswith("hit")]
            if hits:
                for n in hits:
                    if m.start(n) >= 0:
                        rd.guard_spans.append((gid, m.start(n), m.end(n)))
            else:
                rd.guard_spans.append((gid, m.start(), m.end()))
    return rd


def _last_start_before(starts: list[int], pos: int) -> int:
    i = bisect.bisect_right(starts, pos) - 1
    return starts[i] if i >= 0 else 0


def _segment(rd: Reading, start: int, end: int) -> tuple[int, int]:
    """The sentence around [start, end), cut at contrast markers ("but now", "maar nu")."""
    s0 = _last_start_before(rd.sentence_starts, start)
    i = bisect.bisect_left(rd.sentence_ends, end)
    s1 = rd.sentence_ends[i] if i < len(rd.sentence_ends) else len(rd.text)
    for p in rd.contrast_points:
        if s0 <= p <= start:
            s0 = p
        elif end <= p < s1:
            s1 = p
            break
    return s0, s1


def _guarded(rd: Reading, start: int, end: int) -> str | None:
    for gid, gs, ge in rd.guard_spans:
        if gs < end and start < ge:
            return gid
    return None


def _negated(rd: Reading, lx: Lexicon, start: int, end: int, extra: ContextLexicon | None = None) -> bool:
    c0 = _last_start_before(rd.clause_starts, start)
    before = rd.text[c0:start]
    neg_before = lx.neg_before + extra.neg_before if extra else lx.neg_before
    if any(p.search(before) for p in neg_before):
        return True
    after = rd.text[end:end + 60]
    neg_after = lx.neg_after + extra.neg_after if extra else lx.neg_after
    return any(p.match(after) for p in neg_after)


def _subject(rd: Reading, lx: Lexicon, start: int, end: int, inside_first: bool = True) -> str:
    """'self', 'third' or 'generic': whose words a match is.

    A subject inside the match itself decides first (Dutch inversion: "zonder haar wil ik
    dood"); otherwise the nearest subject before the match in its clause; otherwise the speaker.
    Context cues pass ``inside_first=False``: their pronouns inside are objects ("took them").
    """
    if inside_first:
        inside = rd.text[start:end]
        if lx.person_first.search(inside):
            return "self"
        if lx.person_third.search(inside):
            return "third"
    c0 = _last_start_before(rd.clause_starts, start)
    prefix = rd.text[c0:start]
    best_end, who = -1, "self"
    priority = {"self": 0, "generic": 1, "third": 2}
    for kind, pattern in (("self", lx.person_first), ("third", lx.person_third),
                          ("generic", lx.person_generic)):
        if pattern is None:
            continue
        for m in pattern.finditer(prefix):
            if m.end() > best_end or (m.end() == best_end and priority[kind] > priority[who]):
                best_end, who = m.end(), kind
    return who


def _time(rd: Reading, lx: Lexicon, start: int, end: int) -> str | None:
    s0, s1 = _segment(rd, start, end)
    seg = rd.text[s0:s1]
    if any(p.search(seg) for p in lx.time_present):
        return None
    if any(p.search(seg) for p in lx.time_past):
        return "past"
    if any(p.search(seg) for p in lx.time_recent):
        return "recent"
    return None


def _live_matches(rd: Reading, lx: Lexicon, rules, dropped: list[Dropped], extra: ContextLexicon | None = None):
    """(rule, match) for every non-empty match of these rules that no guard covers and no negation
    cancels; what a guard or a negation drops is recorded in `dropped`."""
    for rule in rules:
        for pattern in rule.patterns:
            for m in pattern.finditer(rd.text):
                start, end = m.span()
                if end == start:
                    continue
                gid = _guarded(rd, start, end)
                if gid:
                    dropped.append(Dropped(rule.id, (start, end), m.group(0), f"guard:{gid}"))
                elif rule.negatable and _negated(rd, lx, start, end, extra):
                    dropped.append(Dropped(rule.id, (start, end), m.group(0), "negated"))
                else:
                    yield rule, m


def _match_reading(rd: Reading, lx: Lexicon, findings: list[Finding], dropped: list[Dropped]) -> None:
    for rule, m in _live_matches(rd, lx, lx.rules, dropped):
        start, end = m.span()
        signal, severity, note = rule.signal, rule.severity, ""
        if rule.person_check:
            who = _subject(rd, lx, start, end)
            if who == "generic":
                dropped.append(Dropped(rule.id, (start, end), m.group(0), "generic_subject"))
                continue
            if who == "third" and signal != "friend_at_risk":
                signal, severity, note = "friend_at_risk", SIGNAL_SEVERITY["friend_at_risk"], "third_person"
        if (rule.past or rule.recent) and note != "third_person":
            when = _time(rd, lx, start, end)
            if when == "past" and rule.past:
                signal, severity, note = rule.past, SIGNAL_SEVERITY[rule.past], "past"
            elif when == "recent" and rule.recent:
                signal, severity, note = rule.recent, SIGNAL_SEVERITY[rule.recent], "recent"
        elif rule.past and note == "third_person" and _time(rd, lx, start, end) == "past":
            # Someone else's distant past ("my uncle tried years ago"): not a live risk.
            dropped.append(Dropped(rule.id, (start, end), m.group(0), "third_person_past"))
            continue
        findings.append(Finding(signal, severity, rule.id, (start, end), m.group(0), note))


@dataclass(frozen=True)
class RulesResult:
    severity: str | None
    signals: tuple[str, ...]
    findings: tuple[Finding, ...]
    dropped: tuple[Dropped, ...]
    readings: tuple[str, ...]


def analyse(text: str, lang: str = "en") -> RulesResult:
    """Run the lexicon layer on *text* and explain what matched and what was dropped.

    Results are cached on the normalised readings, so a message assessed once is free to assess
    again when it comes back as conversation context."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    return _analyse_readings(variants(text, lang), lang)


@lru_cache(maxsize=4096)
def _analyse_readings(readings: tuple[str, ...], lang: str) -> RulesResult:
    lx = lexicon(lang)
    findings: list[Finding] = []
    dropped: list[Dropped] = []
    for r in readings:
        _match_reading(_reading(r, lx), lx, findings, dropped)

    rules_by_id = {r.id: r for r in lx.rules}
    found = {f.signal for f in findings}
    kept: list[Finding] = []
    for f in findings:
        req = rules_by_id[f.rule].requires_any
        if req and f.note == "" and not (req & (found - {f.signal})):
            dropped.append(Dropped(f.rule, f.span, f.text, "requires_any"))
            continue
        kept.append(f)

    signals: dict[str, str | None] = {}
    for f in kept:   # one signal may be found by several rules at different severities
        signals[f.signal] = max_severity((signals.get(f.signal), f.severity))
    if signals.keys() & MEANS_SIGNALS and signals.keys() & IDEATION_SIGNALS:
        signals["means_at_hand"] = "imminent"
    severity = max_severity(signals.values())
    crisis_signals: tuple[str, ...] = ()
    if severity is not None:
        # Informational signals (means_context) are left out: they only count in combination.
        ranked = sorted((s for s, sev in signals.items() if sev is not None),
                        key=lambda s: (-severity_rank(signals[s]), s))
        crisis_signals = tuple(ranked)
    return RulesResult(severity, crisis_signals, tuple(kept), tuple(dropped), readings)


def check(text: str, lang: str = "en") -> tuple[str | None, tuple[str, ...]]:
    """Severity and signal names from the lexicon layer alone."""
    res = analyse(text, lang)
    return res.severity, res.signals


# ---------------------------------------------------------------- conversation context

@dataclass(frozen=True)
class ContextResult:
    """What the conversation context added to one message."""

    severity: str | None            # None: the context raised nothing
    signals: tuple[str, ...]        # signal names, most severe first, then "context:<signal>" tags
    triggers: tuple[int, ...]       # indexes into the given context of the crisis messages it leant on
    findings: tuple[Finding, ...]   # context cues matched in the current message (and combinations)
    dropped: tuple[Dropped, ...]    # context cues dropped (guard, negation, subject, past)


NO_CONTEXT = ContextResult(None, (), (), (), ())


def _match_context_reading(text: str, lx: Lexicon, findings: list[Finding], dropped: list[Dropped]) -> None:
    cx = lx.context
    rd = _reading(text, lx, cx.guards)
    for rule, m in _live_matches(rd, lx, cx.rules, dropped, cx):
        start, end = m.span()
        if rule.person_check:
            who = _subject(rd, lx, start, end, inside_first=False)
            if who != "self":
                reason = "third_person" if who == "third" else "generic_subject"
                dropped.append(Dropped(rule.id, (start, end), m.group(0), reason))
                continue
        if rule.drop_if_past and _time(rd, lx, start, end) == "past":
            dropped.append(Dropped(rule.id, (start, end), m.group(0), "past"))
            continue
        findings.append(Finding(rule.signal, rule.severity, rule.id, (start, end), m.group(0), "context"))


@lru_cache(maxsize=4096)
def _context_cues(readings: tuple[str, ...], lang: str) -> tuple[tuple[Finding, ...], tuple[Dropped, ...]]:
    """Context cues in one message (cached on its normalised readings)."""
    lx = lexicon(lang)
    if not lx.context.rules:
        return (), ()
    findings: list[Finding] = []
    dropped: list[Dropped] = []
    for r in readings:
        _match_context_reading(r, lx, findings, dropped)
    return tuple(findings), tuple(dropped)


@lru_cache(maxsize=4096)
def _context_entry(readings: tuple[str, ...], lang: str) -> tuple[bool, bool]:
    """(is a self-directed crisis, names means at hand) for one earlier message; cached."""
    res = _analyse_readings(readings, lang)
    trigger = bool(set(res.signals) & CONTEXT_TRIGGER_SIGNALS)
    rules_by_id = {r.id: r for r in lexicon(lang).context.rules}
    means = any(rules_by_id[f.rule].before_crisis for f in _context_cues(readings, lang)[0])
    return trigger, means


def analyse_context(text: str, lang: str, context: Sequence[str],
                    current: RulesResult | None = None) -> ContextResult:
    """What the person's previous messages (*context*, oldest first) add to *text*.

    Only the last :data:`MAX_CONTEXT` messages are read, with the rules layer alone. When one of
    them is a self-directed crisis, context cues in *text* raise (``suicide_plan`` / ``farewell``
    high, ``means_at_hand`` / ``act_in_progress`` imminent). When one of them names means at hand
    and *text* itself expresses suicidal ideation, ``means_at_hand`` is imminent. *current* is
    the rules result for *text* when the caller already has it.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    context = tuple(context)
    recent = context[-MAX_CONTEXT:]
    offset = len(context) - len(recent)
    triggers: list[int] = []
    means_before = False
    for i, earlier in enumerate(recent):
        if not earlier or not earlier.strip():
            continue
        trigger, means = _context_entry(variants(earlier, lang), lang)
        if trigger:
            triggers.append(offset + i)
        means_before = means_before or means
    if not triggers and not means_before:
        return NO_CONTEXT

    readings = variants(text, lang)
    findings: list[Finding] = []
    dropped: list[Dropped] = []
    if triggers:
        cue_findings, cue_dropped = _context_cues(readings, lang)
        findings.extend(cue_findings)
        dropped.extend(cue_dropped)
    if means_before:
        if current is None:
            current = _analyse_readings(readings, lang)
        ideation = [f for f in current.findings if f.signal in IDEATION_SIGNALS]
        if ideation:
            f = ideation[0]
            findings.append(Finding("means_at_hand", "imminent", f.rule, f.span, f.text, "means_in_context"))
    if not findings:
        return ContextResult(None, (), tuple(triggers), (), tuple(dropped))

    signals: dict[str, str | None] = {}
    for f in findings:
        signals[f.signal] = max_severity((signals.get(f.signal), f.severity))
    severity = max_severity(signals.values())
    ranked = sorted(signals, key=lambda s: (-severity_rank(signals[s]), s))
    names = tuple(ranked) + tuple(f"context:{s}" for s in ranked)
    return ContextResult(severity, names, tuple(triggers), tuple(findings), tuple(dropped))
