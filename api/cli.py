"""Command line for operators: the mentor dashboard's accounts, and a person's data.

    .venv/bin/python -m api.cli create-admin --email you@example.org [--name "Your name"]
        The password is asked twice on a terminal, or read from the first line of standard input:
        printf '%s\\n' "$ADMIN_PASSWORD" | .venv/bin/python -m api.cli create-admin --email you@example.org
    .venv/bin/python -m api.cli password-link --email someone@example.org [--base-url https://host]
        A one-time link to set a new password (for an admin who is locked out).
    .venv/bin/python -m api.cli api-token --email someone@example.org
        A new token for the mentor JSON API (/mentor/api) that acts as that account; shown once, stored
        hashed, and any earlier token of that account stops working.
    .venv/bin/python -m api.cli show-data --id <anonymous id>
        What is still stored for an id, per table, the dialogue engine's tracker store included
        (what a data-protection officer runs after "delete all my data"; all zeros = nothing left).
    .venv/bin/python -m api.cli purge [--days 365]
        Erases everyone not seen for that many days (RETENTION_DAYS, default 365) whose crisis
        cases were closed at least that long ago, and the engine's conversations as old as that.

Uses the same database as the app (DATABASE_URL, or var/app.sqlite3) and brings its schema up to date.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from bot import privacy
from bot.config import DashboardConfig, load_settings
from bot.mentoring import accounts, audit, errors, invitations
from bot.storage import Database
from bot.storage.tracker_events import TrackerEvents


def _read_password(stream=None) -> str:
    stream = stream or sys.stdin
    if stream.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise errors.AccountError("passwords_differ")
        return first
    return stream.readline().rstrip("\r\n")


def create_admin(db: Database, email: str, name: str, password: str) -> str:
    with db.session() as session:
        mentor = accounts.create_account(session, email=email, display_name=name, role="admin", password=password)
        audit.record(session, "cli", "admin_created", detail={"mentor": mentor.email})
        return mentor.email


def password_link(db: Database, email: str, base_url: str) -> str:
    settings = load_settings()
    config = DashboardConfig.from_env(settings.var_dir)
    with db.session() as session:
        mentor = accounts.find_mentor(session, email)
        if mentor is None or not mentor.active:
            raise errors.AccountError("no_active_account", email=email)
        token = invitations.invitation_link_token(session, config, mentor, "cli")
        audit.record(session, "cli", "password_link_created", detail={"mentor": mentor.email})
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
    token = commands.add_parser("api-token", help="print a new mentor API token for an account")
    token.add_argument("--email", required=True)
    show = commands.add_parser("show-data", help="count what is still stored for an anonymous id")
    show.add_argument("--id", required=True, dest="sender")
    purge = commands.add_parser("purge", help="erase people not seen for a while (the retention policy)")
    purge.add_argument("--days", type=int, default=None, help="default: RETENTION_DAYS or 365")
    args = parser.parse_args(argv)

    settings = load_settings()
    db = Database(settings.sqlalchemy_url)
    tracker = TrackerEvents(settings.tracker_sqlalchemy_url)
    try:
        db.upgrade()
        if args.command == "api-token":
            with db.session() as session:
                mentor = accounts.find_mentor(session, args.email)
                if mentor is None or not mentor.active:
                    raise errors.AccountError("no_active_account", email=args.email)
                issued = accounts.issue_api_token(session, mentor)
                audit.record(session, "cli", "api_token_issued", detail={"mentor": mentor.email})
            print(issued)
            return 0
        if args.command == "show-data":
            with db.session() as session:
                counts = privacy.data_left(session, args.sender, tracker)
            for table, count in counts.items():
                print(f"{table:24} {count}")
            print("nothing is stored for this id" if not any(counts.values()) else
                  f"{sum(counts.values())} rows still name this id")
            return 0
        if args.command == "purge":
            days = settings.retention_days if args.days is None else args.days
            if days <= 0:
                print("retention is off (RETENTION_DAYS=0): nothing purged")
                return 0
            with db.session() as session:
                done = privacy.purge_inactive(session, tracker, days)
            print(f"purged {done['persons']} people and {done['dialogue_engine_conversations']} "
                  f"dialogue-engine conversations not seen for {days} days")
            return 0
        if args.command == "create-admin":
            password = _read_password()
            accounts.check_password(password, args.email)
            email = create_admin(db, args.email, args.name, password)
            print(f"Admin account {email} created. Sign in at /dashboard/login.")
        else:
            print(password_link(db, args.email, args.base_url))
        return 0
    except errors.AccountError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
        tracker.dispose()


if __name__ == "__main__":
    sys.exit(main())
