"""`feedback token create|list|revoke`: manage the API tokens of the service."""
from __future__ import annotations

import argparse
import sys

from service.auth import ROLES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a token and print it once")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--name", required=True, help="who or what uses the token, e.g. 'hr-zhang'")
    actions.add_parser("list", help="list tokens (never their secrets)")
    revoke = actions.add_parser("revoke", help="revoke a token by its id or name")
    revoke.add_argument("token", help="token id (the part after 'fbk_') or token name")
    parser.add_argument("--warehouse-url", default=None, help="default: FEEDBACK_WAREHOUSE_URL")


def run(args: argparse.Namespace) -> int:
    from service.auth import create_token, list_tokens, revoke_token
    from service.db import open_warehouse
    from storage.config import default_warehouse_url

    engine = open_warehouse(args.warehouse_url or default_warehouse_url()).engine
    if args.action == "create":
        token = create_token(engine, args.name, args.role)
        print(token, flush=True)
        print(f"token for role {args.role}, name {args.name!r}: store it now, it is not shown again",
              file=sys.stderr)
        return 0
    if args.action == "list":
        print(f"{'id':<10}{'role':<9}{'created':<21}{'revoked':<21}name")
        for t in list_tokens(engine):
            print(f"{t['token_id']:<10}{t['role']:<9}{t['created_at']!s:<21}"
                  f"{t['revoked_at'] or '-'!s:<21}{t['name']}")
        return 0
    revoked = revoke_token(engine, args.token)
    print(f"revoked {revoked} token(s)")
    return 0 if revoked else 1
