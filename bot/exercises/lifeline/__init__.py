"""The lifeline (levenslijn) exercise: the conversation (:mod:`.flow`) and its state
(:mod:`.state`), reading moments from free text (:mod:`.parse`), and the picture (:mod:`.chart`)."""
from bot.steps import DONE, RUNNING, STOPPED

from .chart import lifeline_alt_text, lifeline_png
from .flow import MIN_POINTS, REFLECTION_KEYS, advance, start

__all__ = ["start", "advance", "lifeline_png", "lifeline_alt_text", "REFLECTION_KEYS", "MIN_POINTS", "RUNNING", "DONE",
           "STOPPED"]
