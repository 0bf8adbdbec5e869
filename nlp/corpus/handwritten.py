"""Hand-written labelled examples: short home-service texts (`handwritten.tsv`) and whole reviews
written the way customers write them (`written_reviews.tsv`: hotel, food delivery, restaurant and
home-service reviews, long and short, verdicts often implicit or mixed; `home_reviews.tsv`: home-service
reviews, complaint records and messages only, session 13). Rows about home services carry the source
"home" (every row of `home_reviews.tsv`, and the rows of `written_reviews.tsv` holding a word of
`home_service_words.txt`); the other written reviews carry "written"."""
from __future__ import annotations

from dataclasses import replace
from importlib import resources

from nlp.corpus.examples import ASPECT_KEYS, Example, fully_labelled

DATA_FILE = "handwritten.tsv"
REVIEWS_FILE = "written_reviews.tsv"
HOME_REVIEWS_FILE = "home_reviews.tsv"
HOME_WORDS_FILE = "home_service_words.txt"


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


def _lines(name: str) -> list[str]:
    raw = resources.files("nlp.corpus").joinpath("data", name).read_text(encoding="utf-8")
    return [ln for ln in raw.splitlines() if ln.strip() and not ln.startswith("#")]


def _load(name: str, source: str) -> list[Example]:
    return [parse_line(ln, source) for ln in _lines(name)]


def home_service_words() -> tuple[str, ...]:
    """Words that mark a written review as one about home services."""
    return tuple(ln.strip() for ln in _lines(HOME_WORDS_FILE))


def is_about_home_services(text: str, words: tuple[str, ...] | None = None) -> bool:
    return any(word in text for word in (words or home_service_words()))


def load_handwritten() -> list[Example]:
    """Every hand-written example, in file order (they always train, never held out)."""
    return _load(DATA_FILE, "handwritten")


def load_written_reviews() -> list[Example]:
    """The written whole reviews, then the home-service ones, in file order (held out like generated examples)."""
    words = home_service_words()
    general = [ex if not is_about_home_services(ex.text, words) else replace(ex, source="home")
               for ex in _load(REVIEWS_FILE, "written")]
    return general + load_home_reviews()


def load_home_reviews() -> list[Example]:
    """The home-service reviews, complaint records and messages of session 13 (part of the written reviews)."""
    return _load(HOME_REVIEWS_FILE, "home")
