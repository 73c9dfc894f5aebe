"""Command line for the mentor dashboard's accounts.

    .venv/bin/python -m api.cli create-admin --email you@example.org [--name "Your name"]
        The password is asked twice on a terminal, or read from the first line of standard input:
        printf '%s\\n' "$ADMIN_PASSWORD" | .venv/bin/python -m api.cli create-admin --email you@example.org
    .venv/bin/python -m api.cli password-link --email someone@example.org [--base-url https://host]
        A one-time link to set a new password (for an admin who is locked out).

Uses the same database as the app (DATABASE_URL, or var/app.sqlite3) and brings its schema up to date.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from bot import mentors
from bot.config import load_settings
from bot.storage import Database


def _read_password(stream=None) -> str:
    stream = stream or sys.stdin
    if stream.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise mentors.AccountError("The two passwords are not the same.")
        return first
    return stream.readline().rstrip("\r\n")


def create_admin(db: Database, email: str, name: str, password: str) -> str:
    with db.session() as session:
        mentor = mentors.create_account(session, email=email, display_name=name, role="admin", password=password)
        mentors.audit(session, "cli", "admin_created", detail={"mentor": mentor.email})
        return mentor.email


def password_link(db: Database, email: str, base_url: str) -> str:
    settings = load_settings()
    config = mentors.DashboardConfig.from_env(settings.var_dir)
    with db.session() as session:
        mentor = mentors.find_mentor(session, email)
        if mentor is None or not mentor.active:
            raise mentors.AccountError(f"No active account for {email}.")
        token = mentors.invitation_link_token(session, config, mentor, "cli")
        mentors.audit(session, "cli", "password_link_created", detail={"mentor": mentor.email})
    return f"{base_url.rstrip('/')}/dashboard/invite/{token}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.cli", description="Mentor dashboard accounts.")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-admin", help="create an admin account (the first one, usually)")
    create.add_argument("--email", required=True)
    create.add_argument("--name", default="", help="display name (default: the part before @)")
    link = commands.add_parser("password-link", help="print a one-time link to set a new password")
    link.add_argument("--email", required=True)
    link.add_argument("--base-url", default="http://127.0.0.1:8000")
    args = parser.parse_args(argv)

    db = Database(load_settings().sqlalchemy_url)
    try:
        db.upgrade()
        if args.command == "create-admin":
            password = _read_password()
            mentors.check_password(password, args.email)
            email = create_admin(db, args.email, args.name, password)
            print(f"Admin account {email} created. Sign in at /dashboard/login.")
        else:
            print(password_link(db, args.email, args.base_url))
        return 0
    except mentors.AccountError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    finally:
        db.dispose()


if __name__ == "__main__":
    sys.exit(main())
