"""Reflective listening: hear which side of life a message touches, say it back, ask one open
question, keep the thread for a few turns, then offer a next step. Pure logic over the content in
`bot/content/<lang>/reflection.yml`; no Rasa, no storage (the dialogue keeps the thread)."""
from .conversation import Reply, Thread, answer, begin, reflect_back
from .mapping import Heard, dimension_named, hear, ready, settings, sounds_like_sharing

__all__ = ["Heard", "Reply", "Thread", "answer", "begin", "dimension_named", "hear", "ready", "reflect_back",
           "settings", "sounds_like_sharing"]
