"""The `feedback` command: a thin dispatcher; each subcommand lives with the code it drives."""
from __future__ import annotations

import argparse
import importlib
import sys

# name -> (module, help); the module exposes add_arguments(parser) and run(args) -> int.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "run": ("pipelines.run_cli", "run the daily job for one partition in-process"),
    "demo": ("demo.cli", "generate the fictional demo company into the source database"),
    "classify": ("nlp.cli_classify", "classify texts or a file of texts"),
    "train": ("nlp.cli_train", "train the feedback classifier"),
    "evaluate": ("nlp.cli_evaluate", "evaluate the classifier against baselines"),
    "scorecard": ("scoring.cli", "export worker scorecards for HR"),
    "token": ("service.cli_token", "create, list and revoke API tokens"),
    "serve": ("service.cli_serve", "serve the HTTP API and pages"),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Build the parser; import only the module of the subcommand being run (fast start)."""
    parser = argparse.ArgumentParser(prog="feedback", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sp = sub.add_parser(name, help=help_text)
        if name == only:
            importlib.import_module(module_name).add_arguments(sp)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else None
    args = build_parser(command).parse_args(argv)
    module = importlib.import_module(SUBCOMMANDS[args.command][0])
    return int(module.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
