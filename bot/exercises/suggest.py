"""Choosing which exercises to offer, and the message that offers them (never pushy).

:func:`suggest` works from what the person told us:

* **Findings** (``bot.wellbeing.findings``): for an over- or under-investment in dimension D it
  picks exercises serving D that suit that kind. Persistent patterns come first, then the
  strongest; with several findings each gets its best exercise before any gets a second.
* **Preferences** order the exercises for one finding: an exercise the person rated earlier moves
  up (+1) or down (-1) by ``FEEDBACK_WEIGHT`` (their mean rating), enough to change the order;
  one touching values they named (``values``, per dimension) gains ``VALUE_WEIGHT`` per value
  (at most two); the finding's own dimension gains ``MAIN_DIMENSION_WEIGHT`` over exercises that
  only also serve it, and an exercise made for just this direction ``SPECIFIC_WEIGHT``. The same
  exercise is never offered twice in one list.
* **No over/under findings** (a balanced picture, or none yet): focusing first (unless ratings say
  otherwise), plus one other gentle exercise that fits their values and ratings (or a short one).
* **A typed request** ("something for my body", "I can't sleep", "iets voor mijn lichaam") is
  matched first (:func:`match_request`); when it matches nothing ("give me an exercise"), the
  findings decide.

Request matching:

* **English**: sentence embeddings (``bot.embeddings``) of the request against each exercise's
  title and purpose (and the same with its keywords; the better of the two counts), with a
  margin: the best must reach ``min_score`` and stand out from the average exercise by
  ``standout``, and a request closer to one of the ``neutral`` phrasings ("give me an exercise")
  than to the best exercise by more than ``margin`` is treated as vague (numbers in
  ``en/exercises.yml``, ``matching.embedding``). Keyword hits add a little (``keyword_weight``), which rescues short
  requests the model reads weakly ("I feel tense"). Without the model: keywords only.
* **Dutch**: the keyword lexicon only (the shipped model is English-only): see
  :func:`keyword_scores`.

Either way, exercises within ``band`` of the best match are offered, topped up with the next best
of the same dimension that suit the same direction (under/over) as the best, so "something for my
body" gives two exercises for the body, and "I feel lonely" never adds "an hour of your own".

``reason`` is one plain sentence from ``reasons`` in ``exercises.yml``.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot import embeddings
from bot.content import check_language, section
from bot.text import normalise, one_line, phrase_regex
from bot.wellbeing.findings import Finding
from bot.wellbeing.model import DIMENSIONS, value_label

from . import library
from .focusing import EXERCISE_ID as FOCUSING

log = logging.getLogger(__name__)

FEEDBACK_WEIGHT = 2.0        # times the mean rating (-1..1): a rating really moves an exercise
VALUE_WEIGHT = 0.5           # per value of the person's the exercise touches (at most two count)
MAIN_DIMENSION_WEIGHT = 0.25  # the finding's dimension is the exercise's main one
SPECIFIC_WEIGHT = 0.1        # made for this direction only (suits just "under" or just "over")
BALANCED_FOCUSING_WEIGHT = 1.5  # with no findings, focusing leads unless ratings say otherwise
REQUEST_PREFERENCE_WEIGHT = 0.05  # in requests, preferences only nudge (relevance decides)
MAX_REQUEST_CHARS = 500


@dataclass(frozen=True)
class Suggestion:
    exercise_id: str
    title: str
    reason: str                       # one plain sentence
    minutes: int | None = None
    dimension: str | None = None      # the exercise's main dimension


def _texts(lang: str) -> dict[str, Any]:
    return section(check_language(lang), "exercises")


# --------------------------------------------------------------------------------------------
# Preferences


def feedback_scores(feedback: Iterable[tuple[str, int | float | None]]) -> dict[str, float]:
    """The mean rating (-1..1) per exercise id; unrated answers (None) are left out."""
    sums: dict[str, list[float]] = {}
    for item in feedback or ():
        try:
            exercise_id, score = item
        except (TypeError, ValueError):
            continue
        if score is None:
            continue
        sums.setdefault(str(exercise_id), []).append(max(-1.0, min(1.0, float(score))))
    return {k: sum(v) / len(v) for k, v in sums.items()}


def _person_values(values: Mapping[str, Sequence[str]] | None) -> set[str]:
    out: set[str] = set()
    for ids in (values or {}).values():
        out.update(str(v) for v in ids or ())
    return out


def _value_labels(value_ids: set[str], lang: str) -> dict[str, str]:
    labels = {}
    for v in value_ids:
        try:
            labels[v] = value_label(v, lang)
        except KeyError:
            continue
    return labels


def _touched_values(ex: library.Exercise, person: set[str], lang: str) -> list[str]:
    """The person's values this exercise touches: listed in its ``values``, or named in its keywords."""
    touched = [v for v in ex.values if v in person]
    keywords = " | ".join(normalise(k.replace("*", "")) for k in ex.keywords)
    for v, label in _value_labels(person - set(touched), lang).items():
        if normalise(label) and re.search(rf"(?<![a-z]){re.escape(normalise(label))}(?![a-z])", keywords):
            touched.append(v)
    return touched


def _preference(ex: library.Exercise, fb: dict[str, float], person: set[str], lang: str) -> float:
    return FEEDBACK_WEIGHT * fb.get(ex.id, 0.0) + VALUE_WEIGHT * min(2, len(_touched_values(ex, person, lang)))


# --------------------------------------------------------------------------------------------
# Request matching


@cache
def _lexicon(lang: str) -> tuple[dict[str, re.Pattern[str] | None], dict[str, re.Pattern[str] | None]]:
    data = _texts(lang)["matching"]
    per_exercise = {ex.id: phrase_regex(list(ex.keywords)) for ex in library.exercises(lang)}
    per_dimension = {d: phrase_regex(list((data.get("dimension_words") or {}).get(d) or [])) for d in DIMENSIONS}
    return per_exercise, per_dimension


def _hit_words(pattern: re.Pattern[str] | None, text: str) -> int:
    return sum(len(m.group(0).split()) for m in pattern.finditer(text)) if pattern else 0


def keyword_scores(request: str, lang: str) -> dict[str, float]:
    """Keyword relevance per exercise id: 2 per word of its own keywords found in the request (so
    "tijd voor mezelf" outweighs "mezelf"), plus 1 per word of its main dimension's words found
    (half for a dimension it only also serves)."""
    t = normalise((request or "")[:MAX_REQUEST_CHARS])
    per_exercise, per_dimension = _lexicon(check_language(lang))
    dim_hits = {d: _hit_words(p, t) for d, p in per_dimension.items()}
    out = {}
    for ex in library.exercises(lang):
        own = _hit_words(per_exercise.get(ex.id), t)
        dims = max([float(dim_hits[ex.dimension])] + [0.5 * dim_hits[d] for d in ex.also])
        score = 2.0 * own + dims
        if score > 0:
            out[ex.id] = score
    return out


@cache
def _exercise_vectors() -> tuple[tuple[str, ...], Any, Any]:
    exs = library.exercises("en")
    plain = [f"{e.title}. {e.purpose}" for e in exs]
    with_keywords = [f"{e.title}. {e.purpose} {', '.join(k.replace('*', '') for k in e.keywords)}" for e in exs]
    neutral = [str(n) for n in _texts("en")["matching"].get("neutral") or []]
    vectors = embeddings.encode(plain + with_keywords + neutral)
    n = len(exs)
    import numpy as np

    best_of = np.stack([vectors[:n], vectors[n:2 * n]])
    return tuple(e.id for e in exs), best_of, vectors[2 * n:]


def _embedding_scores(request: str) -> dict[str, float] | None:
    """Cosine similarity per exercise id (the better of title+purpose and with keywords), or None
    when the request is vague or the model is unavailable."""
    if embeddings.load(wait=False) is None:
        return None
    try:
        ids, exercise_vectors, neutral_vectors = _exercise_vectors()
        vector = embeddings.encode([request[:MAX_REQUEST_CHARS]])[0]
    except Exception as error:  # noqa: BLE001 - fall back to keywords
        log.warning("request matching without embeddings (%s: %s)", type(error).__name__, error)
        return None
    sims = (exercise_vectors @ vector).max(axis=0)
    cfg = _texts("en")["matching"]["embedding"]
    best = float(sims.max())
    neutral = float((neutral_vectors @ vector).max()) if len(neutral_vectors) else -1.0
    if best < float(cfg["min_score"]) or best - float(sims.mean()) < float(cfg["standout"]):
        return {}
    if neutral - best > float(cfg["margin"]):
        return {}
    return {ex_id: float(s) for ex_id, s in zip(ids, sims, strict=True)}


NAMED_MAX_WORDS = 12   # a request by name is short; a long message that mentions a name is something else


@cache
def _name_patterns(lang: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(exercise id, one regex over its `names`) for the exercises that have names, in file order."""
    found = ((ex.id, phrase_regex(ex.names)) for ex in library.exercises(lang))
    return tuple((ex_id, pattern) for ex_id, pattern in found if pattern is not None)


def named_exercise(text: str | None, lang: str) -> str | None:
    """The exercise a short message asks for by one of its `names` ("I'd like to do a thought record",
    "een schaalvraag graag"), or None. The gateway starts it directly: these names mean nothing else
    to the dialogue engine, whose examples ask for exercises in general. Every forwarded message
    passes here, so the patterns are built once per language."""
    words = normalise(text or "")
    if not words or len(words.split()) > NAMED_MAX_WORDS:
        return None
    return next((ex_id for ex_id, pattern in _name_patterns(check_language(lang)) if pattern.search(words)), None)


def match_request(request: str | None, lang: str) -> list[tuple[str, float]]:
    """Exercises that fit a typed request, best first, as (exercise id, relevance); [] when the
    request is vague or fits nothing. Relevance is comparable only within one call."""
    check_language(lang)
    if not request or not normalise(request):
        return []
    keywords = keyword_scores(request, lang)
    data = _texts(lang)["matching"]
    emb = _embedding_scores(request) if lang == "en" else None
    if emb is None:   # Dutch, or no model: the lexicon decides
        if not keywords:
            return []
        best = max(keywords.values())
        band = float(data.get("lexicon_band", 0.99))
        relevance = {k: v for k, v in keywords.items() if v >= best * band}
        rest = {k: v for k, v in keywords.items() if k not in relevance}
    else:
        cfg = _texts("en")["matching"]["embedding"]
        weight = float(cfg["keyword_weight"])
        if not emb and not keywords:
            return []
        combined = {k: (emb.get(k, 0.0) if emb else 0.0) + weight * keywords.get(k, 0.0)
                    for k in set(emb) | set(keywords)}
        if not emb:   # only keywords spoke
            combined = {k: v for k, v in combined.items() if k in keywords}
        best = max(combined.values())
        relevance = {k: v for k, v in combined.items() if v >= best - float(cfg["band"])}
        rest = {k: v for k, v in combined.items() if k not in relevance}
    ordered = sorted(relevance.items(), key=lambda kv: -kv[1])
    top = library.exercise(ordered[0][0], lang)
    extra = sorted(((k, v) for k, v in rest.items()
                    if library.exercise(k, lang).dimension == top.dimension
                    and set(library.exercise(k, lang).suits) & set(top.suits)),
                   key=lambda kv: -kv[1])
    return ordered + extra


# --------------------------------------------------------------------------------------------
# Suggesting


def _finding_order(f: Finding) -> tuple:
    return (0 if f.persistent else 1, -float(f.strength or 0), DIMENSIONS.index(f.dimension))


def _reason(texts: dict[str, Any], f: Finding) -> str:
    key = f"{f.kind}_persistent" if f.persistent else f.kind
    return one_line(str(texts["reasons"][key][f.dimension]))


def _suggestion(ex: library.Exercise, reason: str) -> Suggestion:
    return Suggestion(ex.id, library.shown_title(ex), one_line(reason), ex.minutes, ex.dimension)


def suggest(findings: Sequence[Finding] | None, values: Mapping[str, Sequence[str]] | None,
            feedback: Iterable[tuple[str, int | float | None]] | None, lang: str,
            request: str | None = None, limit: int = 2) -> list[Suggestion]:
    """Up to *limit* exercises to offer, best first, each with a one-sentence reason."""
    check_language(lang)
    if limit <= 0:
        return []
    texts = _texts(lang)
    fb = feedback_scores(feedback or ())
    person = _person_values(values)
    catalogue = {ex.id: ex for ex in library.exercises(lang)}
    order = {ex_id: i for i, ex_id in enumerate(catalogue)}

    # 1. A typed request that matches something.
    matched = match_request(request, lang) if request else []
    if matched:
        best = matched[0][1] or 1.0
        ranked = sorted(matched, key=lambda kv: -(kv[1] / best + REQUEST_PREFERENCE_WEIGHT
                                                  * _preference(catalogue[kv[0]], fb, person, lang)))
        return [_suggestion(catalogue[ex_id], catalogue[ex_id].purpose) for ex_id, _ in ranked[:limit]]

    # 2. Over- and under-investment findings.
    relevant = sorted((f for f in findings or () if f.kind in library.KINDS and f.dimension in DIMENSIONS),
                      key=_finding_order)
    unique: dict[tuple[str, str | None], Finding] = {}
    for f in relevant:
        unique.setdefault(f.pattern, f)   # the same pattern twice: the first (most urgent) counts
    relevant = list(unique.values())
    chosen: list[Suggestion] = []
    taken: set[str] = set()
    if relevant:
        queues = []
        for f in relevant:
            # Coaching tools are directive: offered when asked for (1.), never for a finding.
            candidates = [ex for ex in library.for_dimension(f.dimension, lang, f.kind) if not ex.coaching]
            ranked = sorted(candidates, key=lambda ex, f=f: (
                -(_preference(ex, fb, person, lang)
                  + (MAIN_DIMENSION_WEIGHT if ex.dimension == f.dimension else 0.0)
                  + (SPECIFIC_WEIGHT if ex.suits == (f.kind,) else 0.0)),
                order[ex.id]))
            queues.append((f, list(ranked)))
        while len(chosen) < limit and any(q for _, q in queues):
            for f, queue in queues:
                while queue and queue[0].id in taken:
                    queue.pop(0)
                if queue and len(chosen) < limit:
                    ex = queue.pop(0)
                    taken.add(ex.id)
                    chosen.append(_suggestion(ex, _reason(texts, f)))
        return chosen

    # 3. No imbalance to work on: focusing, and one more that fits the person.
    reasons = texts["reasons"]
    options = []
    for ex in catalogue.values():
        if ex.coaching or (ex.id != FOCUSING and "under" not in ex.suits):
            continue   # gentle invitations, not stepping back from something; no unasked coaching
        score = _preference(ex, fb, person, lang) + (BALANCED_FOCUSING_WEIGHT if ex.id == FOCUSING else 0.0)
        options.append((score, ex.minutes, order[ex.id], ex))
    options.sort(key=lambda o: (-o[0], o[1], o[2]))
    focusing_option = next((o for o in options if o[3].id == FOCUSING), None)
    other_option = next((o for o in options if o[3].id != FOCUSING), None)
    picks = sorted((o for o in (focusing_option, other_option) if o is not None), key=options.index)
    for position, (_score, _minutes, _index, ex) in enumerate(picks[:limit]):
        if ex.id == FOCUSING:
            balanced = any(f.kind == "balanced" for f in findings or ())
            reason = reasons["balanced_focusing" if balanced else "open_focusing"]
        else:
            touched = _touched_values(ex, person, lang)
            labels = _value_labels(set(touched[:1]), lang)
            lead = "" if position else "_lead"
            reason = (reasons["balanced_value" + lead].format(value=labels[touched[0]]) if touched and labels
                      else reasons["balanced_other" + lead])
        chosen.append(_suggestion(ex, reason))
    return chosen


# --------------------------------------------------------------------------------------------
# The offer


def start_payload(exercise_id: str) -> str:
    return "/start_exercise" + json.dumps({"exercise": exercise_id}, separators=(",", ":"))


def offer_message(suggestions: Sequence[Suggestion], lang: str) -> dict[str, Any]:
    """One chat message: a line per suggestion (title, duration, reason), a button per suggestion
    (payload ``/start_exercise{"exercise":"<id>"}``) and a "not now" button (``/deny``)."""
    texts = _texts(check_language(lang))["offer"]
    not_now = {"title": texts["not_now"], "payload": "/deny"}
    if not suggestions:
        return {"text": one_line(texts["nothing"]), "buttons": []}
    lines = [texts["intro_many"] if len(suggestions) > 1 else texts["intro"]]
    buttons = []
    for s in suggestions:
        minutes = s.minutes
        if minutes is None and library.exists(s.exercise_id):
            minutes = library.exercise(s.exercise_id, lang).minutes
        line = texts["line"].format(title=s.title, minutes=minutes if minutes is not None else "?", reason=s.reason)
        lines.append("- " + one_line(line))
        buttons.append({"title": s.title, "payload": start_payload(s.exercise_id)})
    lines.append(one_line(texts["outro"]))
    return {"text": "\n".join(lines), "buttons": buttons + [not_now]}
