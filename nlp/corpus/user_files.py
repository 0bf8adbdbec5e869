"""User-provided training files: text + aspect labels, complaint categories, sentiment or star ratings."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from nlp.corpus.examples import ASPECT_KEYS, Example

TEXT_COLUMNS = ("text", "review", "reviewbody", "content", "comment", "agent_text", "内容", "评价", "文本")
RATING_COLUMNS = ("rating", "star", "stars", "评分", "星级")
NO_CATEGORY = {"", "none", "other", "无"}


class UserDataError(ValueError):
    """A training file without a usable text or label column (one-line message)."""


def find_text_column(frame: pd.DataFrame, wanted: str | None) -> str:
    if wanted:
        if wanted not in frame.columns:
            raise UserDataError(f"column {wanted} not found; columns are: {', '.join(frame.columns)}")
        return wanted
    for name in TEXT_COLUMNS:
        if name in frame.columns:
            return name
    raise UserDataError(f"no text column (tried {', '.join(TEXT_COLUMNS)}); use --text-column")


def _polarity(cell: str) -> int | None:
    cell = cell.strip()
    if cell in ("", ".", "nan", "None", "<NA>"):
        return None
    value = int(float(cell))
    if value not in (-1, 0, 1):
        raise UserDataError(f"aspect polarity must be -1, 0, 1 or empty, got {cell!r}")
    return value


def _sentiment(row: pd.Series, columns: set[str]) -> int | None:
    """From `sentiment` (-1..1), `label` (0/1) or a 1-5 star rating (weak label)."""
    if "sentiment" in columns and row["sentiment"].strip():
        value = float(row["sentiment"])
        return 0 if abs(value) < 0.2 else (1 if value > 0 else -1)
    if "label" in columns and row["label"].strip():
        return 1 if int(float(row["label"])) > 0 else -1
    for name in RATING_COLUMNS:
        if name in columns and row[name].strip():
            stars = float(row[name])
            return -1 if stars <= 2 else (0 if stars < 4 else 1)
    return None


def _aspects(row: pd.Series, columns: set[str]) -> dict[str, int | None]:
    if set(ASPECT_KEYS) & columns:
        return {a: _polarity(row[a]) for a in ASPECT_KEYS if a in columns}
    for name in ("labels", "category", "agent_category"):
        if name in columns:
            listed = {c.strip() for c in row[name].split(";")} - NO_CATEGORY
            return {a: (-1 if a in listed else None) for a in ASPECT_KEYS}
    return {}


def examples_from_frame(frame: pd.DataFrame, text_column: str | None = None,
                        source: str = "user") -> list[Example]:
    """One example per non-empty text; unknown heads stay unknown (they do not train)."""
    frame = frame.astype(str)
    text_col = find_text_column(frame, text_column)
    columns = set(frame.columns)
    examples = []
    for _, row in frame.iterrows():
        text = row[text_col].strip()
        if not text or text == "nan":
            continue
        aspects, sentiment = _aspects(row, columns), _sentiment(row, columns)
        subs = tuple(s for s in row["subreasons"].split(";") if s) if "subreasons" in columns else None
        if aspects or sentiment is not None:
            examples.append(Example(text, aspects, sentiment, subs, source))
    if not examples:
        raise UserDataError("no labelled rows: need aspect columns (attitude/skill/logistics), labels or "
                            "category, sentiment, label, or a star rating column")
    return examples


def load_user_files(paths: list[Path], text_column: str | None = None) -> list[Example]:
    """Examples from every file (CSV, JSONL, XLSX; UTF-8 or GBK)."""
    from nlp.io import read_table

    examples: list[Example] = []
    for path in paths:
        examples.extend(examples_from_frame(read_table(path), text_column, f"user:{Path(path).name}"))
    return examples
