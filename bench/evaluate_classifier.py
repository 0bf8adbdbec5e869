"""Print the evaluation table (same as `feedback evaluate`); skips cleanly without ../shared/eval.

    .venv/bin/python bench/evaluate_classifier.py [--sample 2000] [--skip-own-data] [--model-dir DIR]
"""
from __future__ import annotations

import argparse
import sys

from nlp import cli_evaluate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cli_evaluate.add_arguments(parser)
    return cli_evaluate.run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
