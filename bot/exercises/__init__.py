"""Exercises: the library per dimension, guided focusing, the lifeline, and choosing what to suggest.

Every guided exercise is a pure state machine (see `bot.steps.Step`): it gets the JSON state it returned
last time plus the person's text, and returns messages, the new state and, when it ends, a result
to keep. Storage and the dialogue engine stay outside.
"""
