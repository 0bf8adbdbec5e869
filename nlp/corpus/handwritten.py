"""Hand-written labelled examples: short home-service texts (`handwritten.tsv`) and whole reviews
written the way customers write them (`written_reviews.tsv`: hotel, food delivery, restaurant and
home-service reviews, long and short, verdicts often implicit or mixed; `home_reviews.tsv`: home-service
reviews, complaint records and messages only, session 13)."""
from __future__ import annotations

from importlib import resources

from nlp.corpus.examples import ASPECT_KEYS, Example, fully_labelled

DATA_FILE = "handwritten.tsv"
REVIEWS_FILE = "written_reviews.tsv"
HOME_REVIEWS_FILE = "home_reviews.tsv"


def _polarity(cell: str) -> int | None:
    return None if cell in (".", "") else int(cell)


def parse_line(line: str, source: str = "handwritten") -> Example:
    """`text<TAB>attitude<TAB>skill<TAB>logistics<TAB>sentiment<TAB>subreasons` ('.' = not mentioned)."""
    cells = line.rstrip("\n").split("\t")
    if len(cells) not in (5, 6):
        raise ValueError(f"expected 5 or 6 tab-separated cells: {line!r}")
    text, *aspect_cells = cells[:4]
    subreasons = tuple(s for s in (cells[5].split(";") if len(cells) == 6 else []) if s)
    aspects = {key: _polarity(cell) for key, cell in zip(ASPECT_KEYS, aspect_cells)}
    for reason in subreasons:
        if aspects.get(reason.split(".")[0]) != -1:
            raise ValueError(f"sub-reason {reason} without a complaint on its aspect: {line!r}")
    return fully_labelled(text, aspects, int(cells[4]), subreasons, source)


def _load(name: str, source: str) -> list[Example]:
    raw = resources.files("nlp.corpus").joinpath("data", name).read_text(encoding="utf-8")
    lines = [ln for ln in raw.splitlines() if ln.strip() and not ln.startswith("#")]
    return [parse_line(ln, source) for ln in lines]


def load_handwritten() -> list[Example]:
    """Every hand-written example, in file order (they always train, never held out)."""
    return _load(DATA_FILE, "handwritten")


def load_written_reviews() -> list[Example]:
    """The written whole reviews, then the home-service ones, in file order (held out like generated examples)."""
    return _load(REVIEWS_FILE, "written") + load_home_reviews()


def load_home_reviews() -> list[Example]:
    """The home-service reviews, complaint records and messages of session 13 (part of the written reviews)."""
    return _load(HOME_REVIEWS_FILE, "written")
