"""Persistence: SQLAlchemy 2 models, a database handle, and Alembic-driven schema upgrades."""
from bot.storage.db import Database, get_database

__all__ = ["Database", "get_database"]
