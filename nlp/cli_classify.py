"""`feedback classify`: one text -> JSON on stdout; a file -> the file plus classifier columns."""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

EXIT_USAGE = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("texts", nargs="*", help="texts to classify (printed as JSON, one object per line)")
    parser.add_argument("--input", type=Path, help="CSV, JSONL or XLSX file (UTF-8 or GBK)")
    parser.add_argument("--text-column", default="text", help="column holding the text (default: text)")
    parser.add_argument("--output", type=Path, help="output .csv, .jsonl or .xlsx (default: stdout as CSV)")
    parser.add_argument("--model-dir", type=Path, default=None,
                        help="trained model directory (default: FEEDBACK_MODEL_DIR or var/models/default)")
    parser.add_argument("--chunk-rows", type=int, default=5000, help="rows read and classified at a time")
    parser.add_argument("--no-evidence", action="store_true", help="skip evidence spans (faster)")


def run(args: argparse.Namespace) -> int:
    from nlp.io import TableError

    if not args.texts and not args.input:
        print("feedback classify: give a text or --input FILE", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.input:
            _check_output(args.output)
            # Open the input before loading the model: a bad file fails fast.
            chunks = _input_chunks(args)
            first = next(chunks, None)
            classifier = _load(args.model_dir)
            return _classify_file(classifier, first, chunks, args)
        classifier = _load(args.model_dir)
        frame = classifier.predict(list(args.texts), with_evidence=not args.no_evidence)
        for record in frame.to_dict(orient="records"):
            print(json.dumps(_jsonable(record), ensure_ascii=False))
        return 0
    except (TableError, FileNotFoundError) as exc:
        print(f"feedback classify: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _load(model_dir: Path | None):
    from nlp.classify import load_classifier

    return load_classifier(model_dir)


def _check_output(output: Path | None) -> None:
    from nlp.io import TableError
    from nlp.writers import SUFFIXES

    if output is not None and output.suffix.lower() not in SUFFIXES:
        raise TableError(f"cannot write {output}: use .csv, .jsonl or .xlsx")


def _input_chunks(args: argparse.Namespace):
    from nlp.io import iter_table

    return iter_table(args.input, args.chunk_rows, required=(args.text_column,))


def _classify_file(classifier, first, chunks, args: argparse.Namespace) -> int:
    from nlp.writers import open_writer

    done, started = 0, time.perf_counter()
    with open_writer(args.output) as writer:
        for chunk in _chain(first, chunks):
            result = classifier.predict(chunk[args.text_column].tolist(), with_evidence=not args.no_evidence)
            writer.write(_merge(chunk, result))
            done += len(chunk)
            rate = done / max(time.perf_counter() - started, 1e-9)
            print(f"classified {done} rows ({rate:.0f} texts/s)", file=sys.stderr, flush=True)
    return 0


def _chain(first, rest):
    if first is not None:
        yield first
    yield from rest


def _merge(inputs, result):
    """Input columns (renamed `input_<name>` on a clash) followed by the classifier columns."""
    import pandas as pd

    clashes = {c: f"input_{c}" for c in inputs.columns if c in result.columns}
    left = inputs.rename(columns=clashes).reset_index(drop=True)
    return pd.concat([left, result.reset_index(drop=True)], axis=1)


def _jsonable(record: dict) -> dict:
    out = {}
    for key, value in record.items():
        if value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == "<NA>":
            out[key] = None
        elif key == "evidence":
            out[key] = json.loads(value)
        elif hasattr(value, "item"):
            out[key] = value.item()
        else:
            out[key] = value
    return out
