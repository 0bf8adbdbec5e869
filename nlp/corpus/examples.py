"""The labelled example every corpus source produces."""
from __future__ import annotations

from dataclasses import dataclass, field

ASPECT_KEYS = ("attitude", "skill", "logistics")
POLARITIES = (-1, 0, 1)


@dataclass(frozen=True)
class Example:
    """One labelled text.

    `aspects` maps an aspect to its polarity (-1, 0, 1) or None (not mentioned); an aspect missing
    from the dict is unknown and does not train that head. `sentiment` None means unknown too, and
    `subreasons` None means the sub-reasons are unknown (weakly labelled data).
    """

    text: str
    aspects: dict[str, int | None] = field(default_factory=dict)
    sentiment: int | None = None
    subreasons: tuple[str, ...] | None = ()
    source: str = "generated"

    def __post_init__(self) -> None:
        for key, polarity in self.aspects.items():
            if key not in ASPECT_KEYS or polarity not in (None, *POLARITIES):
                raise ValueError(f"bad aspect label {key}={polarity!r} for {self.text!r}")
        if self.sentiment not in (None, *POLARITIES):
            raise ValueError(f"bad sentiment {self.sentiment!r} for {self.text!r}")


def fully_labelled(text: str, aspects: dict[str, int | None], sentiment: int,
                   subreasons: tuple[str, ...], source: str) -> Example:
    """An example whose every head is known (the project's own corpus)."""
    complete = {key: aspects.get(key) for key in ASPECT_KEYS}
    return Example(text, complete, sentiment, tuple(sorted(set(subreasons))), source)
