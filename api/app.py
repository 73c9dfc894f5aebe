"""The FastAPI application: `uvicorn --factory api.app:create_app`, or `create_app(settings)` in tests."""
from __future__ import annotations

import asyncio
import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from api import errors, log_redaction
from api.chat import router as chat_router
from api.dashboard import install as install_dashboard
from api.dashboard.groups import router as facilitator_router
from api.groups import router as groups_router
from api.health import router as health_router
from api.limits import BodySizeLimit
from api.me import router as me_router
from api.mentor_api import router as mentor_router
from api.pages import router as pages_router
from api.rasa_client import RasaClient
from api.rate_limits import ChatLimits
from bot import crisis, reflection
from bot.config import Settings, engine_process_name, load_settings
from bot.safety import database_down
from bot.storage import Database
from bot.storage.db import UNREACHABLE
from bot.storage.spool import Spool
from bot.storage.tracker_events import TrackerEvents

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static"


class RevalidatedStaticFiles(StaticFiles):
    """Pages name their entry script with ?v=<hash>, but the ES modules it imports (chat/*.js,
    page_kit.js) carry no version: browsers must revalidate them (ETag, 304 when unchanged), or a
    cached old module could run beside a new one after an update."""

    def file_response(self, *args, **kwargs):
        response = super().file_response(*args, **kwargs)
        response.headers.setdefault("Cache-Control", "no-cache")
        return response


def _warm_up(done: threading.Event) -> None:
    try:
        crisis.warm_up(background=False)
        reflection.ready()   # the safety question starts by saying back what it heard
    finally:
        done.set()


SPOOL_CHECK_S = 3.0


async def write_back_spool(app: FastAPI) -> None:
    """Turns answered while the database was unreachable go into it as soon as it answers again."""
    def write(entries):
        with app.state.db.session() as session:
            database_down.write_spooled(session, entries)

    while True:
        try:
            await run_in_threadpool(app.state.spool.drain, write)
        except UNREACHABLE:
            pass   # still down: the turns stay in the spool
        except Exception:
            log.exception("could not write the spool back")
        await asyncio.sleep(SPOOL_CHECK_S)


def create_app(settings: Settings | None = None, *, warm_up_models: bool = True) -> FastAPI:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.db.upgrade()
        if warm_up_models:
            # The rules layer answers at once; the embedding layer joins when its model is loaded.
            # Until then /health says the gateway is loading: it answers, but slower (the GIL is busy).
            threading.Thread(target=_warm_up, args=(app.state.warm,), name="models-warm-up", daemon=True).start()
        else:
            app.state.warm.set()
        writer = asyncio.create_task(write_back_spool(app))
        yield
        writer.cancel()
        await app.state.rasa.close()
        app.state.db.dispose()
        app.state.tracker.dispose()

    app = FastAPI(title="Existential well-being companion", lifespan=lifespan)
    app.state.settings = settings
    app.state.warm = threading.Event()   # set once the models are loaded
    app.state.db = Database(settings.sqlalchemy_url)
    app.state.limits = ChatLimits(settings.rate_limit_storage, settings.chat_limit_per_id,
                                  settings.chat_limit_per_address, settings.case_limit_per_address)
    app.state.spool = Spool(settings.var_dir / "spool")   # what arrives while the database is down
    app.state.tracker = TrackerEvents(settings.tracker_sqlalchemy_url)  # for deletion and export
    app.state.rasa = RasaClient(settings.engine_urls, settings.rasa_token, settings.rasa_timeout_s)
    # What scripts/stack.py writes per engine: a live process whose port is still closed is loading.
    app.state.rasa_pid_files = [settings.var_dir / "run" / f"{engine_process_name(i)}.pid" for i in
                                range(len(settings.engine_urls))]
    app.state.crisis_detector_state = lambda: "rules+classifier" if crisis.embeddings_ready() else "rules"

    errors.install(app)
    log_redaction.install()  # ids and tokens never reach the access log in clear
    app.include_router(health_router)
    app.include_router(chat_router)
    app.include_router(mentor_router)
    app.include_router(me_router)
    app.include_router(pages_router)
    app.include_router(groups_router)
    app.include_router(facilitator_router)  # before the dashboard: /dashboard/groups/register needs no sign-in
    install_dashboard(app, settings)  # the mentor dashboard under /dashboard
    app.mount("/static", RevalidatedStaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(BodySizeLimit)
    return app

