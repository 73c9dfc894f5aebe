"""The web gateway: chat endpoint, pages, mentor side. Thin over `bot/`."""
