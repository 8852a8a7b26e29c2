"""`threadline token create|list|revoke`: API tokens for integrations, made by an administrator."""

from __future__ import annotations

import argparse
from typing import TextIO

from app.cli_common import login, open_database
from app.services.api_tokens import SCOPES, create_token, list_tokens, revoke_token


def add_commands(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("token", help="API tokens for integrations and the phone trace page") \
        .add_subparsers(dest="token_command", required=True)
    create = sub.add_parser("create", help="create a token; its secret is printed once")
    create.add_argument("name", help="the integration, e.g. erp-main")
    create.add_argument("--scope", action="append", required=True, choices=sorted(SCOPES),
                        help="what it may do (repeat for several)")
    create.add_argument("--as", dest="as_user", required=True, metavar="ADMIN",
                        help="the administrator creating it (their password is asked for)")
    sub.add_parser("list", help="tokens, their scopes and when they were last used")
    revoke = sub.add_parser("revoke", help="revoke a token at once")
    revoke.add_argument("name")
    revoke.add_argument("--as", dest="as_user", required=True, metavar="ADMIN")


def run(args: argparse.Namespace, out: TextIO) -> int:
    factory = open_database(args)
    if args.token_command == "list":
        for t in list_tokens(factory):
            state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else \
                (f"last used {t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used")
            print(f"{t.name:<24} {' '.join(t.scopes):<60} {state}", file=out)
        return 0
    actor = login(factory, args.as_user)
    if args.token_command == "create":
        made = create_token(factory, actor, args.name, args.scope)
        print(f"Created API token {made.token.name} ({' '.join(made.token.scopes)}). Its secret is shown "
              f"only now; store it in the integration's configuration:\n{made.secret}", file=out)
        return 0
    done = revoke_token(factory, actor, args.name)
    print(f"Revoked API token {done.name}: requests with it are refused from now on.", file=out)
    return 0
