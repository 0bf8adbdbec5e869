"""`feedback serve`: run the HTTP API and pages with uvicorn."""
from __future__ import annotations

import argparse
import ipaddress
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--log-level", default="info")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _hint_without_tokens(warehouse_url: str) -> None:
    from service.auth import list_tokens
    from service.db import open_warehouse

    warehouse = open_warehouse(warehouse_url)
    if not any(t["revoked_at"] is None for t in list_tokens(warehouse.engine)):
        print("no API tokens yet: create one with `feedback token create --role admin --name YOU` "
              "(roles: quality, hr, admin) and sign in with it", file=sys.stderr)
    warehouse.dispose()


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from service.app import create_app
    from service.settings import ServiceSettings

    settings = ServiceSettings.from_env()
    _hint_without_tokens(settings.warehouse_url)
    if not _is_loopback(args.host) and not settings.secure_cookies:
        print("warning: serving beyond loopback without FEEDBACK_SECURE_COOKIES=1; put it behind "
              "HTTPS (see docs/service.md)", file=sys.stderr)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level,
                proxy_headers=False, server_header=False)
    return 0
