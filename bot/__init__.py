"""The core of the existential well-being companion.

Nothing in this package imports Rasa or FastAPI: `actions/` and `api/` are thin adapters over it.
"""
