"""The command line: `threadline db|user|demo|item …`, the second face of the same services as the GUI."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from typing import TextIO

from app import __version__, cli_backup, cli_devices, cli_labels, cli_ncr, cli_spc, cli_trace
from app import cli_certificates
from app.cli_common import close_databases, login, open_database, open_engine, read_secret
from app.cli_text import print_history, print_item_list
from app.config import Settings
from app.db import describe_url
from app.models import Role
from app.services import schema
from app.services.errors import DomainError
from app.services.lookup import lookup
from app.services.lookup_views import to_json
from app.services.permissions import SYSTEM, Actor
from app.services.users import add_user, has_users


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="threadline", description="Threadline quality traceability. "
                                     "Without a command, the desktop application starts.")
    parser.add_argument("--version", action="version", version=f"threadline {__version__}")
    parser.add_argument("--db", metavar="URL", help="database URL (default: THREADLINE_DB, the settings "
                        "file, or the embedded SQLite file)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    db = commands.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="migrate the schema to this version (after a backup into backup.dir)")
    db.add_parser("info", help="show which database is used and its schema revision")

    user = commands.add_parser("user", help="users and roles").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", help="add a user; passwords are prompted (or read from stdin, one per line: "
                          "the --as user's first, then the new user's)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--full-name", default="")
    add.add_argument("--badge", help="RFID badge UID for quick login")
    add.add_argument("--as", dest="as_user", metavar="ADMIN",
                     help="the administrator doing this (not needed for the first user of a new database)")
    user.add_parser("list", help="list users and their roles")
    from app import cli_auth  # set-pin and unlock: the credential commands, kept in their own module

    cli_auth.add_commands(user)

    demo = commands.add_parser("demo", help="build a realistic demo plant in an empty database")
    demo.add_argument("--units", type=int, default=2000, help="finished units to produce (default 2000)")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--json", action="store_true", help="print the summary as JSON")

    item = commands.add_parser("item", help="items").add_subparsers(dest="item_command", required=True)
    show = item.add_parser("show", help="what is this identifier: serial, lot, barcode, EPC, heat, order…")
    show.add_argument("identifier")
    show.add_argument("--json", action="store_true")
    cli_trace.add_commands(commands)
    cli_devices.add_commands(commands)
    cli_spc.add_commands(commands)
    cli_labels.add_commands(commands)
    cli_ncr.add_commands(commands)
    cli_certificates.add_commands(commands)
    cli_backup.add_commands(commands, db)
    from app import cli_audit  # audit verify|list, kept in its own module

    cli_audit.add_commands(commands)
    from app import cli_reports  # report inspection|spc, kept in its own module

    cli_reports.add_commands(commands)
    from app import cli_serve, cli_tokens  # serve and token: the HTTP API's commands

    cli_serve.add_commands(commands)
    cli_tokens.add_commands(commands)
    from app import cli_exchange  # exchange import|export|watch: CSV/JSON files, its own module

    cli_exchange.add_commands(commands)
    return parser.parse_args(argv)


def execute(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    from app import cli_audit, cli_exchange, cli_reports, cli_serve, cli_tokens

    handlers: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
        "exchange": cli_exchange.run,
        "audit": cli_audit.run, "report": cli_reports.run, "serve": cli_serve.run, "token": cli_tokens.run,
        "db": _db, "user": _user, "demo": _demo, "item": _item, "trace": cli_trace.run, "import": cli_trace.run,
        "devices": cli_devices.run, "simulate": cli_devices.run, "spc": cli_spc.run, "label": cli_labels.run,
        "ncr": cli_ncr.run, "certificate": cli_certificates.run,
        "backup": cli_backup.run, "restore": cli_backup.run,
    }
    if args.command == "db" and args.db_command == "password":
        handlers["db"] = cli_backup.run
    try:
        return handlers[args.command](args, out)
    except DomainError as exc:
        print(f"threadline: {exc}", file=err)
        return 1
    except BrokenPipeError:  # the reader went away (`threadline … | head`): not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("threadline: interrupted; nothing half-written was kept.", file=err)
        return 130
    finally:
        close_databases()


def _db(args: argparse.Namespace, out: TextIO) -> int:
    url = Settings().db_url(args.db)
    engine = open_engine(args)
    if args.db_command == "upgrade":
        before = schema.current_revision(engine)
        backup = schema.upgrade(engine)
        after = schema.current_revision(engine)
        print(f"{describe_url(url)}: schema {before or 'empty'} → {after}"
              + (f" (backup: {backup})" if backup else ""), file=out)
    else:
        print(f"database: {describe_url(url)}\nschema:   {schema.current_revision(engine) or 'empty'} "
              f"(this version expects {schema.head_revision()})", file=out)
    return 0


def _user(args: argparse.Namespace, out: TextIO) -> int:
    from app import cli_auth

    if args.user_command in cli_auth.COMMANDS:
        return cli_auth.run(args, out)
    factory = open_database(args)
    if args.user_command == "list":
        cli_auth.print_users(factory, out)  # with each restricted user's work centres
        return 0
    actor: Actor = SYSTEM
    if args.as_user:
        actor = login(factory, args.as_user)
    elif has_users(factory):
        raise DomainError("This database already has users: name the administrator adding this user with "
                          "--as ADMIN (their password is asked for).")
    password = read_secret(f"New password for {args.username}: ")
    if sys.stdin.isatty() and getpass.getpass("Repeat the password: ") != password:
        raise DomainError("The two passwords differ; nothing was saved. Run the command again.")
    user = add_user(factory, actor, username=args.username, full_name=args.full_name,
                    role=Role(args.role), password=password, badge_uid=args.badge)
    print(f"Added {user.username} ({user.role.label}).", file=out)
    return 0


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from app.services.demo import build_demo_plant  # the generator is only needed here

    factory = open_database(args)
    progress = _ProgressLine(sys.stderr) if not args.json and sys.stderr.isatty() else None
    summary = build_demo_plant(factory, SYSTEM, units=args.units, seed=args.seed, progress=progress)
    if args.json:
        json.dump(to_json(summary), out, indent=2)
        print(file=out)
        return 0
    print(f"Demo plant built: {summary.units} finished units in {summary.seconds:.1f} s "
          f"({sum(summary.counts.values())} rows).", file=out)
    for key, value in summary.examples.items():
        print(f"  {key.replace('_', ' '):<20} {value}", file=out)
    print("Logins (password 'threadline'): " + ", ".join(summary.logins), file=out)
    return 0


class _ProgressLine:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\rbuilding demo plant: {done}/{total} units", end=end, file=self.stream, flush=True)


def _item(args: argparse.Namespace, out: TextIO) -> int:
    result = lookup(open_database(args), args.identifier)
    if args.json:
        json.dump(to_json(result), out, indent=2, ensure_ascii=False)
        print(file=out)
    elif result.history is not None:
        print_history(result.history, out)
    else:
        print(result.heading, file=out)
        print_item_list(result.items, out)
        if result.hint:
            print(result.hint, file=out)
    return 0 if result.found else 1
