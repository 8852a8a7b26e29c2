"""`threadline user set-pin|unlock|work-centres|set-role|deactivate|reactivate|reset-password|set-badge`:
the credential, scope and administration commands beside `user add|list`, on the same services as the
GUI's Users page. Secrets are prompted without echo, or read from stdin one per line for
scripts."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any, TextIO

from sqlalchemy.orm import Session, sessionmaker

from app.cli_common import login, open_database, read_secret
from app.services.auth import authenticate, set_pin, unlock_user
from app.models import Role
from app.services.errors import DomainError
from app.services.scope import set_work_centres, work_centres_by_user
from app.services.user_admin import deactivate, reactivate, reset_password, set_badge, set_role
from app.services.users import list_users

ADMIN_COMMANDS = frozenset({"set-role", "deactivate", "reactivate", "reset-password", "set-badge"})
COMMANDS = frozenset({"set-pin", "unlock", "work-centres"}) | ADMIN_COMMANDS


def add_commands(user: Any) -> None:
    """Register under the `user` subparsers (an argparse `_SubParsersAction`)."""
    pin = user.add_parser("set-pin", help="set a badge PIN (4–8 digits) for quick log-in; prompted, or read "
                          "from stdin one per line: the password (yours, or the --as admin's), then the PIN")
    pin.add_argument("username")
    pin.add_argument("--as", dest="as_user", metavar="ADMIN",
                     help="an administrator setting someone else's PIN; without it the user's own password "
                          "is asked for")
    unlock = user.add_parser("unlock", help="lift a lockout after failed log-ins (the --as admin's password "
                             "is asked for)")
    unlock.add_argument("username")
    unlock.add_argument("--as", dest="as_user", metavar="ADMIN", required=True,
                        help="the administrator doing this")
    centres = user.add_parser("work-centres", help="restrict where a user may act to the stations of these "
                              "work centres (quote names with spaces); no work centres: everywhere")
    centres.add_argument("username")
    centres.add_argument("codes", nargs="*", metavar="WORK_CENTRE")
    centres.add_argument("--as", dest="as_user", metavar="ADMIN", required=True,
                         help="the administrator doing this")
    _add_admin_commands(user)


def _add_admin_commands(user: Any) -> None:
    """The administrator's changes to an existing user; each needs --as ADMIN (their password is asked)."""
    role = user.add_parser("set-role", help="give a user another role (from their next log-in)")
    role.add_argument("username")
    role.add_argument("role", choices=[r.value for r in Role])
    user.add_parser("deactivate", help="stop a user logging in; their records stay").add_argument("username")
    user.add_parser("reactivate", help="let a deactivated user log in again").add_argument("username")
    user.add_parser("reset-password", help="set a new password for a user (prompted, or read from stdin one "
                    "per line: the --as admin's password, then the new one)").add_argument("username")
    badge = user.add_parser("set-badge", help="give a user an RFID badge for badge + PIN log-in, or --clear "
                            "it")
    badge.add_argument("username")
    which = badge.add_mutually_exclusive_group(required=True)
    which.add_argument("badge", nargs="?", help="the badge number as the reader gives it")
    which.add_argument("--clear", action="store_true", help="take the user's badge away")
    for name in ADMIN_COMMANDS:
        user.choices[name].add_argument("--as", dest="as_user", metavar="ADMIN", required=True,
                                        help="the administrator doing this")


def print_users(factory: sessionmaker[Session], out: TextIO) -> None:
    """`threadline user list`: name, role, full name, and the work centres of a restricted user."""
    restricted = work_centres_by_user(factory)
    for u in list_users(factory):
        where = f"  (only at: {', '.join(restricted[u.username])})" if u.username in restricted else ""
        print(f"{u.username:<20} {u.role.value:<17} {u.full_name}{'' if u.active else '  (inactive)'}{where}",
              file=out)


def run(args: argparse.Namespace, out: TextIO) -> int:
    factory = open_database(args)
    name = args.username.strip().lower()
    if args.user_command in ADMIN_COMMANDS:
        return _run_admin(factory, args, name, out)
    if args.user_command == "work-centres":
        now = set_work_centres(factory, login(factory, args.as_user), name, args.codes)
        print(f"{name} may now act only at stations of: {', '.join(now)} (from their next log-in)." if now
              else f"{name} may now act at every station (from their next log-in).", file=out)
        return 0
    if args.user_command == "unlock":
        admin = login(factory, args.as_user)
        if unlock_user(factory, admin, name):
            print(f"Unlocked {name}: they can log in again now.", file=out)
        else:
            print(f"{name} was not locked; any count of failed log-ins is cleared.", file=out)
        return 0
    if args.as_user:
        actor, password = login(factory, args.as_user), None
    else:
        password = read_secret(f"Password for {name}: ")
        actor = authenticate(factory, name, password)
    pin = read_secret(f"New PIN for {name}: ")
    if sys.stdin.isatty() and getpass.getpass("Repeat the PIN: ") != pin:
        raise DomainError("The two PINs differ; nothing was saved. Run the command again.")
    set_pin(factory, actor, name, pin, password=password)
    print(f"PIN set for {name}: badge + PIN now logs them in.", file=out)
    return 0


def _run_admin(factory: sessionmaker[Session], args: argparse.Namespace, name: str, out: TextIO) -> int:
    admin = login(factory, args.as_user)
    command = args.user_command
    if command == "set-role":
        role = Role(args.role)
        changed = set_role(factory, admin, name, role)
        print(f"{name} is now {role.label.lower()} (from their next log-in)." if changed
              else f"{name} was already {role.label.lower()}; nothing changed.", file=out)
    elif command in ("deactivate", "reactivate"):
        if command == "deactivate":
            changed = deactivate(factory, admin, name)
            done, already = f"Deactivated {name}: they can no longer log in.", f"{name} was already inactive."
        else:
            changed = reactivate(factory, admin, name)
            done, already = f"Reactivated {name}: they can log in again.", f"{name} was already active."
        print(done if changed else already, file=out)
    elif command == "reset-password":
        password = read_secret(f"New password for {name}: ")  # the same reading as `user add`
        if sys.stdin.isatty() and getpass.getpass("Repeat the password: ") != password:
            raise DomainError("The two passwords differ; nothing was saved. Run the command again.")
        reset_password(factory, admin, name, password)
        print(f"New password set for {name}: the old one no longer works.", file=out)
    else:
        stored = set_badge(factory, admin, name, None if args.clear else args.badge)
        print(f"Badge …{stored[-4:]} set for {name}." if stored else f"Badge of {name} cleared.", file=out)
    return 0
