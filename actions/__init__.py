"""Rasa custom actions: thin adapters between the dialogue engine and `bot/`.

Run with `.venv/bin/python -m rasa_sdk --actions actions` (port 5055). Language, content and
safety logic live in `bot/`; these modules only read the tracker and dispatch messages.
"""
