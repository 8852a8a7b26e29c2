"""`threadline user set-pin|unlock`: the credential commands beside `user add|list`, on the same services as
the GUI. Secrets are prompted without echo, or read from stdin one per line for scripts."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any, TextIO

from app.cli_common import login, open_database, read_secret
from app.services.auth import authenticate, set_pin, unlock_user
from app.services.errors import DomainError

COMMANDS = frozenset({"set-pin", "unlock"})


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


def run(args: argparse.Namespace, out: TextIO) -> int:
    factory = open_database(args)
    name = args.username.strip().lower()
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
