"""The four-dimension check-in of the existential well-being model: pure logic, no storage.

Where things are:

* ``model.py``      the four dimensions and their values (content in ``bot/content/<lang>/
                    dimensions.yml``), the ``DimensionAnswer`` and ``CheckIn`` dataclasses, and
                    ``thresholds()`` (every number, in ``thresholds.yml``).
* ``answers.py``    reading typed answers (ratings 0..10, skip, pause; values) and the texts the
                    dialogue says around them (questions, short reflections between dimensions).
* ``findings.py``   the imbalance rules (over, under, balanced), temporary vs persistent, and the
                    plain-language summary.
* ``reflection.py`` which dimension a free-text reflection speaks about, and a question to check it.
* ``chart.py``      radar and trend pictures (PNG) with text alternatives.

Conversation texts live in ``bot/content/<lang>/checkin.yml``.
"""
from .answers import (
    NOT_UNDERSTOOD,
    PAUSE,
    SKIP,
    Kind,
    Rating,
    ValueChoice,
    between_text,
    parse_rating,
    parse_values,
    question,
    transition,
)
from .findings import Finding, findings_for, focus_dimension, summarise, with_history
from .model import (
    DIMENSIONS,
    CheckIn,
    Dimension,
    DimensionAnswer,
    Value,
    dimension,
    dimensions,
    thresholds,
    values_for,
)

__all__ = [
    "DIMENSIONS",
    "NOT_UNDERSTOOD",
    "PAUSE",
    "SKIP",
    "CheckIn",
    "Dimension",
    "DimensionAnswer",
    "Finding",
    "Kind",
    "Rating",
    "Value",
    "ValueChoice",
    "between_text",
    "dimension",
    "dimensions",
    "findings_for",
    "focus_dimension",
    "parse_rating",
    "parse_values",
    "question",
    "summarise",
    "thresholds",
    "transition",
    "values_for",
    "with_history",
]
# reflection (loads a model lazily) and chart (imports matplotlib) are imported on their own:
#   from bot.wellbeing.reflection import map_reflection, confirmation_question
#   from bot.wellbeing.chart import radar_png, radar_alt_text, trend_png, trend_alt_text
