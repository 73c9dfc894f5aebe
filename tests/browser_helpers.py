"""Real-browser tests: the app served by uvicorn on a free port, and headless Chromium from the
distribution driven by Playwright (no browser download)."""
from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from bot.config import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(tmp_path: Path, fake_rasa):
    """(app, base URL) of the API on SQLite with the scripted engine, for as long as the block runs."""
    import uvicorn

    from api.app import create_app

    settings = replace(Settings(var_dir=tmp_path / "var"), database_url=f"sqlite:///{tmp_path / 'app.sqlite3'}")
    app = create_app(settings, warm_up_models=False)
    app.state.rasa = fake_rasa
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the app did not start"
    try:
        yield app, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# Form controls a person must be able to name: each needs a label, aria-label or aria-labelledby.
_UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea, button'))
  .filter(el => el.type !== 'hidden' && !el.hidden && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby') && !(el.tagName === 'BUTTON' && el.textContent.trim()))
  .map(el => el.outerHTML.slice(0, 120))"""


def unlabelled_controls(page) -> list[str]:
    """Visible form controls without an accessible name (empty when every one has one)."""
    return page.evaluate(_UNLABELLED)


def sign_in(page, url: str, email: str, password: str) -> None:
    """The dashboard's sign-in form, filled the way a person does it (English labels)."""
    page.goto(f"{url}/dashboard/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
