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
* ``embedding`` (:mod:`bot.crisis.embedding`): English only; sentence-embedding similarity to
  crisis exemplars versus harmless contrast exemplars. Loaded lazily once; if the model cannot be
  loaded the rules still run and a warning is logged.

* ``context`` (:func:`bot.crisis.rules.analyse_context`): when the caller passes the person's
  previous messages, a self-directed crisis among the last five (rules layer only, cached) makes
  context cues in the current message count: a plan or timing ("I'm doing it tonight"), means at
  hand ("the pills are right here"), a farewell act ("I already wrote the letters"), an act in
  progress ("it's starting to work"). Its signals carry a ``context:<signal>`` tag. Context only
  raises; the current message is always assessed alone as well.

The dialogue engine's own crisis intent is the third layer; it lives outside ``bot/`` and is
combined by the caller with :func:`combine`.

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
from dataclasses import dataclass

from . import embedding as _embedding
from . import rules as _rules
from .normalise import LANGUAGES
from .rules import SEVERITIES, max_severity, severity_rank

__all__ = [
    "LANGUAGES",
    "SEVERITIES",
    "CrisisAssessment",
    "combine",
    "detect",
    "embeddings_ready",
    "severity_rank",
    "warm_up",
]

log = logging.getLogger(__name__)

NO_CRISIS_SIGNALS: tuple[str, ...] = ()


@dataclass(frozen=True)
class CrisisAssessment:
    """What the detector concluded about one message."""

    crisis: bool
    severity: str | None          # one of SEVERITIES, or None when crisis is False
    signals: tuple[str, ...]      # signal names, most severe first, then "layer:<name>" tags
    language: str                 # "en" | "nl"

    def to_dict(self) -> dict:
        return {
            "crisis": self.crisis,
            "severity": self.severity,
            "signals": list(self.signals),
            "language": self.language,
        }


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

    Thread-safe. The rules layer always runs. The embedding layer runs for English when
    *use_embeddings* is true; the first call loads the model (call :func:`warm_up` at start-up to
    do that in the background). Raises ``ValueError`` for an unsupported language and
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

    layers: list[tuple[str, str | None, tuple[str, ...]]] = []
    res = _rules.analyse(text, lang)
    layers.append(("rules", res.severity, res.signals))
    if use_embeddings and lang == "en":
        quiet = tuple(d.text for d in res.dropped if d.reason != "requires_any")
        loud = tuple(f.text for f in res.findings)
        hit = _embedding.check(text, quiet, loud)
        if hit is not None:
            layers.append(("embedding", hit.severity, hit.signals))
    if context:
        ctx = _rules.analyse_context(text, lang, context, current=res)
        if ctx.severity is not None:
            layers.append(("context", ctx.severity, ctx.signals))
    return combine(lang, layers)


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
    return CrisisAssessment(True, severity, tuple(names) + tags, lang)


def warm_up(background: bool = True) -> None:
    """Compile the lexicons now, and load the embedding model (in a daemon thread unless
    *background* is false). Safe to call more than once and from several threads."""
    for lang in LANGUAGES:
        _rules.lexicon(lang)
    _embedding.warm_up(background=background)


def embeddings_ready() -> bool:
    """True once the embedding model is loaded and usable."""
    return _embedding.ready()
