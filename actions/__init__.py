"""Rasa custom actions: thin adapters between the dialogue engine and `bot/`.

Run with `.venv/bin/python -m rasa_sdk --actions actions` (port 5055). Language, content and
safety logic live in `bot/`; these modules only read the tracker and dispatch messages.
"""
import os
import threading

if os.environ.get("WELLBEING_WARM_UP", "1") != "0":
    # The reflection mapping is fitted on first use (a few seconds): do it while the server starts,
    # not on the first person's message. The test suite turns this off (tests/conftest.py).
    from bot import reflection

    threading.Thread(target=reflection.ready, name="reflection-warm-up", daemon=True).start()
