"""The mentor dashboard: server-rendered pages under /dashboard for mentors and admins.

`install(app, settings)` wires it into the gateway: configuration (bot.config.DashboardConfig from
the environment), the routers (auth, cases, admin) and the handlers that turn "sign in first" into a
redirect and "not for you" into a 403 page. The logic lives in bot/mentoring/ (accounts, sessions,
audit, care), bot/mentoring/handover.py (a mentor in the conversation) and bot/safety/directory_edit.py.
"""
from __future__ import annotations

from fastapi import FastAPI

from api.dashboard import admin, auth, cases
from api.dashboard.security import install_handlers
from bot.config import DashboardConfig, Settings


def install(app: FastAPI, settings: Settings) -> None:
    app.state.dashboard = DashboardConfig.from_env(settings.var_dir)
    install_handlers(app)
    app.include_router(auth.router)
    app.include_router(cases.router)
    app.include_router(admin.router)
