"""Crisis-signal detector: the first check on every user message (DESIGN.md section 3).

Public API::

    from bot.crisis import detect, CrisisAssessment, SEVERITIES, severity_rank

    verdict = detect("ik zie het niet meer zitten", lang="nl")
    verdict.crisis        # True
    verdict.severity      # "elevated"
    verdict.signals       # ("suicidal_ideation_passive", "layer:rules")

    # the person's previous messages, oldest first: "I'll do it tonight" leans on them
    later = detect("ik doe het vanavond", lang="nl", context=["ik wil dood"])
    later.severity        # "high"
    later.signals         # ("suicide_plan", "context:suicide_plan", "layer:context")

Layers (any layer can raise, none can veto; the final severity is the maximum):

* ``rules`` (:mod:`bot.crisis.rules`): normalised lexicon patterns with idiom guards, negation,
  third-person and past-tense handling, for English and Dutch. Always on, < 2 ms per message.
* ``classifier`` (:mod:`bot.crisis.classifier`): English and Dutch; a trained, calibrated
  classifier over multilingual sentence vectors. Its probability decides the band when the other
  layers raise nothing: above its crisis threshold the full response, between its two thresholds
  the direct safety question ("ask"), below it nothing. It names a signal, hence a severity. When
  only the lexicon raised and the classifier's probability is low for a match of that severity
  (``doubt_below``, per severity), the message gets the question instead of the full response
  (never for an imminent signal): the lexicon's words were there, their meaning probably was not
  ("I want to stop smoking"). The same holds when all the lexicon heard is the person's past ("I
  tried to end my life five years ago"). Lower still (``dismiss_below``, one level per language), a
  doubted lexicon match alone gets nothing: the classifier is sure the words were used in an
  ordinary sense ("as a nurse I teach how to ask about suicidal thoughts"); never for an imminent
  signal, the person's past, weariness, a threat to others or a message of a few words. That is the
  one place a layer lowers another. The thresholds, doubt and dismiss levels are calibrated on text
  written by other people than the training data (``scripts/train_crisis_classifier.py``).
  Weariness of life heard alone ("ik ben levensmoe", "my life feels meaningless": no wish to die,
  plan, means or earlier crisis, and no layer rating it above a passive wish) gets the question too:
  it is a theme of meaning as often as a crisis, and asking directly is what crisis lines teach.

* ``context`` (:func:`bot.crisis.rules.analyse_context`): when the caller passes the person's
  previous messages, a self-directed crisis among the last five (rules layer only, cached) makes
  context cues in the current message count: a plan or timing ("I'm doing it tonight"), means at
  hand ("the pills are right here"), a farewell act ("I already wrote the letters"), an act in
  progress ("it's starting to work"). Its signals carry a ``context:<signal>`` tag. Context only
  raises; the current message is always assessed alone as well.

The dialogue engine's own crisis intent is the third layer; it lives outside ``bot/`` and is
combined by the caller with :func:`combine`.

Bands (DESIGN.md section 3): ``crisis`` (any layer raised: the full crisis response at once),
``ask`` (only the classifier's middle band: ask the person directly whether they are thinking of
ending their life or hurting themselves; their answer decides) and ``none``. ``crisis`` stays true
only for the full band.

Severity ranks (ascending): concern < elevated < high < imminent.

* imminent: an act in progress, or means at hand together with suicidal intent
* high: active suicidal intent or a plan (also a recent attempt)
* elevated: a passive wish to die, self-harm, an attempt of unknown date
* concern: abuse or violence at home, intent to harm others, a friend at risk,
  past attempts or self-harm mentioned reflectively
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from . import classifier as _classifier
from . import rules as _rules
from .normalise import LANGUAGES
from .rules import SEVERITIES, max_severity, severity_rank

__all__ = [
    "LANGUAGES",
    "SEVERITIES",
    "CrisisAssessment",
    "ask_band_position",
    "combine",
    "decide",
    "detect",
    "embeddings_ready",
    "max_severity",
    "never_silenced",
    "severity_rank",
    "sure_ordinary",
    "warm_up",
]

log = logging.getLogger(__name__)

NO_CRISIS_SIGNALS: tuple[str, ...] = ()
WEARINESS = "life_weariness"   # tired of life, life feels meaningless: asked about first (issue 14)


@dataclass(frozen=True)
class CrisisAssessment:
    """What the detector concluded about one message."""

    crisis: bool                  # the full crisis response (band "crisis")
    severity: str | None          # one of SEVERITIES; for band "ask" the severity a "yes" would get
    signals: tuple[str, ...]      # signal names, most severe first, then "layer:<name>" tags
    language: str                 # "en" | "nl"
    band: str = "none"            # "crisis" | "ask" | "none"
    probability: float | None = None   # the classifier's crisis probability, when it ran

    @property
    def ask(self) -> bool:
        """Uncertain: ask the person directly before taking over."""
        return self.band == "ask"

    def to_dict(self) -> dict:
        out = {
            "crisis": self.crisis,
            "band": self.band,
            "severity": self.severity,
            "signals": list(self.signals),
            "language": self.language,
        }
        if self.probability is not None:
            out["probability"] = round(self.probability, 4)
        return out


def _check_lang(lang: str) -> str:
    if not isinstance(lang, str):
        raise TypeError(f"lang must be a string, not {type(lang).__name__}")
    code = lang.strip().lower()
    if code not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    return code


def _check_context(context: Sequence[str]) -> tuple[str, ...]:
    if isinstance(context, (str, bytes)):
        raise TypeError("context must be a sequence of messages, not a single string")
    try:
        items = tuple(context)
    except TypeError:
        raise TypeError(f"context must be a sequence of strings, not {type(context).__name__}") from None
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"context messages must be strings, not {type(item).__name__}")
    return items


def detect(text: str, lang: str = "en", *, use_embeddings: bool = True,
           context: Sequence[str] = ()) -> CrisisAssessment:
    """Check one user message for crisis signals.

    Thread-safe. The rules layer always runs; with *use_embeddings* the classifier runs too (both
    languages); the first call loads it (call
    :func:`warm_up` at start-up to do that in the background). Raises ``ValueError`` for an unsupported language and
    ``TypeError`` when *text* is not a string; an empty message is simply not a crisis.

    *context* is the same person's previous few messages, oldest first (the last
    :data:`~bot.crisis.rules.MAX_CONTEXT` are read, with the rules layer only). It can only raise
    the verdict on *text*, never lower it: "I'm going to do it tonight" is not a crisis alone,
    but after "I want to die" it is a plan (high). Raises ``TypeError`` when *context* is a
    single string or holds something other than strings.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}")
    lang = _check_lang(lang)
    context = _check_context(context)
    if not text.strip():
        return CrisisAssessment(False, None, NO_CRISIS_SIGNALS, lang)

    res = _rules.analyse(text, lang)
    verdict = _classifier.check(text, lang) if use_embeddings else None
    ctx = _rules.analyse_context(text, lang, context, current=res) if context else None
    return decide(lang, res, verdict, ctx)


def decide(lang: str, res: _rules.RulesResult, verdict: _classifier.ClassifierVerdict | None,
           ctx: _rules.ContextResult | None = None) -> CrisisAssessment:
    """The band from each layer's finding: the lexicon's (*res*), the classifier's (*verdict*, None
    when it did not run) and the context's (*ctx*). :func:`detect` uses it; so does the training
    script when it calibrates the bands, so both judge messages the same way."""
    layers: list[tuple[str, str | None, tuple[str, ...]]] = [("rules", res.severity, res.signals)]
    if verdict is not None and verdict.band == "crisis":
        layers.append(("classifier", verdict.severity, (verdict.signal,)))
    if ctx is not None and ctx.severity is not None:
        layers.append(("context", ctx.severity, ctx.signals))
    result = combine(lang, layers)
    probability = verdict.probability if verdict is not None else None
    if result.crisis and _weariness_only(res, result):
        # Weariness of life with nothing more (no wish to die, plan, means or earlier crisis): the
        # direct question, warmly, with the help lines one tap away; a "yes" opens the full flow.
        return replace(result, crisis=False, band="ask", probability=probability)
    if result.crisis and _lexicon_alone(result) and _dismissible(res) and _dismissed(result, verdict):
        # Only the lexicon spoke and the classifier is sure its words were used in an ordinary sense
        # (a nurse preparing a lesson on suicide risk): no question either. Never without the
        # classifier (engine-down answers keep every lexicon match).
        return CrisisAssessment(False, None, NO_CRISIS_SIGNALS, lang, probability=probability)
    if result.crisis and _lexicon_alone(result) and (_history_only(res) or _doubted(result, verdict)):
        # Only the lexicon spoke, and either it heard only the person's past ("I tried to end my life
        # five years ago, today I graduated") or the classifier reads the message as ordinary ("we're
        # going bungee jumping off a bridge"): ask instead of taking over. Never for an imminent signal.
        return replace(result, crisis=False, band="ask", probability=probability)
    if result.crisis:
        return replace(result, probability=probability)
    if verdict is not None and verdict.band == "ask":
        return CrisisAssessment(False, verdict.severity, (verdict.signal, "layer:classifier"), lang,
                                band="ask", probability=probability)
    return replace(result, probability=probability)


def _layers(assessment: CrisisAssessment) -> set[str]:
    """The "layer:<name>" tags: which layers raised the verdict."""
    return {t for t in assessment.signals if t.startswith("layer:")}


def _heard(res: _rules.RulesResult) -> set[str]:
    """The signals the lexicon heard, without its "layer:" tag."""
    return {s for s in res.signals if not s.startswith("layer:")}


def _lexicon_alone(result: CrisisAssessment) -> bool:
    """Only the lexicon raised (not the context layer, not the classifier), and not imminently."""
    return _layers(result) == {"layer:rules"} and result.severity != "imminent"


def _weariness_only(res: _rules.RulesResult, result: CrisisAssessment) -> bool:
    """The lexicon heard weariness of life and nothing else, the context layer stayed silent, and no
    layer rates the message above a passive wish (the classifier may call it that, nothing more)."""
    return (_heard(res) == {WEARINESS} and "layer:context" not in result.signals
            and severity_rank(result.severity) <= severity_rank(_rules.SIGNAL_SEVERITY[WEARINESS]))


def _history_only(res: _rules.RulesResult) -> bool:
    """Every signal the lexicon heard is about the person's past: history is asked about, never
    taken over on (a recent attempt is not history: it is its own, high signal)."""
    heard = _heard(res)
    return bool(heard) and heard <= _rules.HISTORY_SIGNALS


def _doubted(result: CrisisAssessment, verdict: _classifier.ClassifierVerdict | None) -> bool:
    """The classifier reads the message as clearly ordinary for a lexicon match of this severity."""
    return verdict is not None and verdict.doubts(result.severity)


# Fewer words than this cannot show the sense a lexicon match is used in ("bye forever"). Session 22:
# no ordinary message dismissed on the calibration sets, the blind floors or the training lines out
# of fold had fewer than six; "bye forever" (p .08 out of fold) would have lost its answer.
DISMISS_MIN_WORDS = 6
# A threat to someone else is never dismissed: whether it is meant is not in the sense of its words
# (two such crisis lines scored below .07 out of fold, "poisoning my boss's coffee, seriously").
NEVER_DISMISSED = frozenset({"harm_to_others"})
# An attempt on one's own life that the lexicon heard is asked about at the least, in any tense: an
# attempt is the strongest known risk sign, and a recovery story around it reads as ordinary to the
# classifier (session 31: "na mijn poging tot zelfdoding ben ik in therapie gegaan", p .08).
NEVER_DISMISSED_LEXICON = NEVER_DISMISSED | {"suicide_attempt"}


def never_silenced(assessment: CrisisAssessment) -> bool:
    """A threat to someone else (from any layer): no judge that reads the sense of the words may talk
    the question away (set 26: "he's going to learn what happens when you mess with my sister" was
    heard as a message about family and listened to instead of asked about)."""
    return bool(set(assessment.signals) & NEVER_DISMISSED)


def _dismissible(res: _rules.RulesResult) -> bool:
    """A lexicon match the classifier may silence: long enough to show its sense, not only the
    person's past (asked about), not weariness (asked about), no threat to others and no attempt."""
    heard = _heard(res)
    return (not _history_only(res) and WEARINESS not in heard and not heard & NEVER_DISMISSED_LEXICON
            and bool(res.readings) and len(res.readings[0].split()) >= DISMISS_MIN_WORDS)


def _dismissed(result: CrisisAssessment, verdict: _classifier.ClassifierVerdict | None) -> bool:
    """The classifier is sure the message is ordinary, beyond doubting a lexicon match of this severity."""
    return verdict is not None and verdict.dismisses(result.severity)


def sure_ordinary(assessment: CrisisAssessment, text: str, at_least: float = 0.0) -> bool:
    """No layer raised the message, it is long enough to show its sense, and the classifier's
    probability lies below the language's dismiss level (or *at_least*, if higher): the classifier is
    sure it is ordinary. A weaker judge (the dialogue engine's crisis intent) should then not ask
    about it either. False when the classifier did not run (engine-down answers keep every other judge)."""
    level = _classifier.dismiss_level(assessment.language)
    return (assessment.band == "none" and assessment.probability is not None and level is not None
            and assessment.probability < max(level, at_least) and len(text.split()) >= DISMISS_MIN_WORDS)


def ask_band_position(assessment: CrisisAssessment) -> float | None:
    """How far into the classifier's question band the message lies (0 at the question threshold,
    1 at the crisis threshold), when the question came from the classifier alone; None otherwise
    (a lexicon match asked about, weariness, the person's past, or no question at all)."""
    if assessment.band != "ask" or _layers(assessment) != {"layer:classifier"} or assessment.probability is None:
        return None
    return _classifier.ask_band_position(assessment.probability, assessment.language)


def combine(lang: str, layers: list[tuple[str, str | None, tuple[str, ...]]]) -> CrisisAssessment:
    """Merge layer verdicts: the severity is the maximum, signals are the union.

    *layers* is a list of ``(layer_name, severity, signals)``; a layer with severity ``None``
    raised nothing and adds nothing. Callers may append their own layer (the dialogue engine's
    crisis intent) to the result of :func:`detect` by passing its layers again.
    """
    raised = [(name, sev, sigs) for name, sev, sigs in layers if sev is not None]
    severity = max_severity(sev for _, sev, _ in raised)
    if severity is None:
        return CrisisAssessment(False, None, NO_CRISIS_SIGNALS, lang)
    names: list[str] = []
    for _, _, sigs in raised:
        names.extend(s for s in sigs if s not in names)
    tags = tuple(f"layer:{name}" for name, _, _ in raised)
    return CrisisAssessment(True, severity, tuple(names) + tags, lang, band="crisis")


def warm_up(background: bool = True) -> None:
    """Compile the lexicons now, and load the classifier and its encoder (in a daemon thread
    unless *background* is false). Safe to call more than once and from several threads."""
    for lang in LANGUAGES:
        _rules.lexicon(lang)
    _classifier.warm_up(background=background)


def embeddings_ready() -> bool:
    """True once the semantic layer (the classifier and its encoder) is loaded and usable."""
    return _classifier.ready()
