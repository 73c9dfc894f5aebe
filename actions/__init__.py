"""Rasa custom actions: thin adapters between the dialogue engine and `bot/`.

Run with `.venv/bin/python -m rasa_sdk --actions actions` (port 5055). Language, content and
safety logic live in `bot/`; these modules only read the tracker and dispatch messages.
"""
import os
import threading

from bot.config import actions_warm_marker, load_settings


def _say_warm() -> None:
    marker = actions_warm_marker(load_settings().var_dir)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(os.getpid()))


def _warm_up() -> None:
    from bot import reflection

    try:
        reflection.ready()
    finally:
        _say_warm()   # loaded or not (its own log says why), waiting longer will not help


# rasa_sdk serves from a Sanic worker process, which imports this package again; the primary process
# only supervises. Warm up where the actions run, once.
if os.environ.get("SANIC_WORKER_NAME"):
    if os.environ.get("WELLBEING_WARM_UP", "1") != "0":
        # The reflection mapping is fitted on first use (tens of seconds on a busy machine): do it while
        # the server starts, not on the first person's message; /health says "loading" until then.
        # The test suite turns this off (tests/conftest.py).
        threading.Thread(target=_warm_up, name="reflection-warm-up", daemon=True).start()
    else:
        _say_warm()
