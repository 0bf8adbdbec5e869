"""Seeded generator of labelled feedback: clause templates + slot vocabularies + style noise.

A text is built from a mood (overall sentiment), per-aspect polarities drawn around that mood, one
clause per mentioned aspect, optional non-aspect clauses (price, portion, rooms...), an optional overall
verdict, filler and plain narrative (where, with whom, what was ordered), joined with contrast words
where polarities disagree, then roughened with particles, emoji, typos and varied punctuation. All
templates and words live in `data/`.
"""
from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from nlp.corpus.examples import ASPECT_KEYS, Example, fully_labelled

SLOT = re.compile(r"\{(\w+)\}")
MOODS, MOOD_WEIGHTS = (-1, 1, 0), (0.43, 0.43, 0.14)


@dataclass(frozen=True)
class Template:
    aspect: str
    polarity: int
    subreason: str | None
    text: str


@dataclass
class Clause:
    aspect: str
    polarity: int
    text: str
    subreason: str | None = None


def _read(name: str) -> str:
    return resources.files("nlp.corpus").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def load_resources() -> tuple[dict, dict, dict]:
    """(templates by (aspect, polarity, domain), slot lists, style settings)."""
    style = json.loads(_read("style.json"))
    slots = json.loads(_read("slots.json"))
    groups: dict[str, list[str]] = style["groups"]
    index: dict[tuple[str, int, str], list[Template]] = defaultdict(list)
    for line in _read("templates.txt").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        head, text = (part.strip() for part in line.split("|", 1))
        aspect, polarity, subreason, domains = head.split()
        template = Template(aspect, int(polarity), None if subreason == "-" else subreason, text)
        for domain in _expand(domains, groups, style["domains"]):
            index[(aspect, int(polarity), domain)].append(template)
    return dict(index), slots, style


def _expand(domains: str, groups: dict[str, list[str]], all_domains: dict[str, float]) -> list[str]:
    if domains == "*":
        return list(all_domains)
    names: list[str] = []
    for name in domains.split(","):
        names.extend(groups.get(name, [name]))
    return names


class CorpusGenerator:
    """`CorpusGenerator(seed).generate(n)`: the same seed always gives the same examples."""

    def __init__(self, seed: int = 13):
        self.rng = random.Random(seed)
        self.templates, self.slots, self.style = load_resources()
        self.domains = list(self.style["domains"])
        self.domain_weights = list(self.style["domains"].values())

    def generate(self, n: int) -> list[Example]:
        return [self.example() for _ in range(n)]

    def example(self) -> Example:
        domain = self.rng.choices(self.domains, self.domain_weights)[0]
        mood = self.rng.choices(MOODS, MOOD_WEIGHTS)[0]
        clauses = self._aspect_clauses(domain, mood)
        text = self._compose(domain, mood, clauses)
        aspects = {c.aspect: c.polarity for c in clauses if c.aspect in ASPECT_KEYS}
        reasons = tuple(c.subreason for c in clauses if c.subreason and c.polarity == -1)
        return fully_labelled(text, aspects, mood, reasons, f"generated:{domain}")

    # --- choosing what is said ---
    def _aspect_clauses(self, domain: str, mood: int) -> list[Clause]:
        group = "home" if domain in self.style["groups"]["home"] else domain
        rates = self.style["mention_rate"][group]
        long_text = self.rng.random() < 0.2
        boost = 2.0 if long_text else self.rng.choice((0.6, 1.0, 1.0, 1.3))
        clauses = []
        for aspect in (*ASPECT_KEYS, "other", "other"):
            if self.rng.random() < min(0.95, rates[aspect] * boost):
                clauses.append(self._clause(aspect, self._polarity(mood), domain))
                if self.rng.random() < (0.4 if long_text else 0.1):  # same aspect, same polarity again
                    clauses.append(self._clause(aspect, clauses[-1].polarity, domain, avoid=clauses[-1]))
        if mood and clauses and all(c.polarity != mood for c in clauses):
            clauses[0] = self._clause(clauses[0].aspect, mood, domain)
        # The mood must win: at most one clause of the opposite polarity.
        opposite = [i for i, c in enumerate(clauses) if c.polarity == -mood and mood]
        kept = [c for i, c in enumerate(clauses) if i not in opposite[1:]]
        first_polarity: dict[str, int] = {}
        for c in kept:  # one polarity per aspect: its first clause decides
            first_polarity.setdefault(c.aspect, c.polarity)
        return [c for c in kept if c.polarity == first_polarity[c.aspect]]

    def _polarity(self, mood: int) -> int:
        if mood == 0:
            return self.rng.choices((0, 1, -1), (0.6, 0.2, 0.2))[0]
        return self.rng.choices((mood, 0, -mood), (0.8, 0.1, 0.1))[0]

    def _clause(self, aspect: str, polarity: int, domain: str, avoid: Clause | None = None) -> Clause:
        options = self.templates.get((aspect, polarity, domain)) or self.templates[(aspect, polarity, "hotel")]
        for _ in range(3):
            template = self.rng.choice(options)
            clause = Clause(aspect, polarity, self.fill(template.text, domain), template.subreason)
            if avoid is None or clause.text[:4] != avoid.text[:4]:
                break
        return clause

    def fill(self, text: str, domain: str, depth: int = 0) -> str:
        """Replace each {slot} with a random word (domain-specific list first)."""
        def pick(match: re.Match[str]) -> str:
            name = match.group(1)
            words = self.slots.get(f"{name}@{domain}") or self.slots[name]
            return self.rng.choice(words)

        filled = SLOT.sub(pick, text)
        return self.fill(filled, domain, depth + 1) if "{" in filled and depth < 3 else filled

    # --- saying it ---
    def _compose(self, domain: str, mood: int, clauses: list[Clause]) -> str:
        rng = self.rng
        agree = [c for c in clauses if c.polarity == mood]
        disagree = [c for c in clauses if c.polarity != mood]
        rng.shuffle(agree)
        rng.shuffle(disagree)
        parts = [c.text for c in agree]
        if disagree and mood != 0 and agree:
            minority = [c.text for c in disagree]
            if rng.random() < 0.5 or not parts:  # "minor point, BUT main point"
                parts = minority + [rng.choice(self.style["contrast"]) + parts[0]] + parts[1:]
            else:  # "main point, JUST/BUT minor point", often resolved by a verdict
                words = self.style["flaw"] + self.style["contrast"] if mood == 1 else self.style["contrast"]
                parts = parts + [rng.choice(words) + minority[0]] + minority[1:]
                if rng.random() < 0.6:
                    parts.append(self._verdict(domain, mood, resolve=True))
        else:
            parts += [c.text for c in disagree]
        if not parts or rng.random() < 0.45:
            verdict = self._verdict(domain, mood)
            parts = [verdict] + parts if rng.random() < 0.3 else parts + [verdict]
        if mood == -1 and rng.random() < 0.05:
            parts.append(self.fill(rng.choice(self.style["sarcasm_neg"]), domain))
        if rng.random() < 0.3:
            parts.insert(0, self._clause("filler", 0, domain).text)
        return self._roughen(self._narrate(domain, parts), mood)

    def _narrate(self, domain: str, parts: list[str]) -> list[str]:
        """Some texts get a few clauses of plain narrative (where, with whom, what it cost) between
        their clauses, never right before a contrast word: long real reviews are mostly such context
        (restaurants, hotels); short ones (food delivery) rarely."""
        rng, settings = self.rng, self.style["narrative"]
        group = "home" if domain in self.style["groups"]["home"] else domain
        if rng.random() >= settings["rate"][group]:
            return parts
        contrast = tuple(self.style["contrast"] + self.style["flaw"])
        for _ in range(rng.randint(1, settings["max_clauses"])):
            if sum(map(len, parts)) >= settings["max_chars"]:
                break
            slots = [i for i in range(len(parts) + 1)
                     if i == len(parts) or not parts[i].startswith(contrast)]
            parts.insert(rng.choice(slots), self._clause("narrative", 0, domain).text)
        return parts

    def _verdict(self, domain: str, mood: int, resolve: bool = False) -> str:
        text = self._clause("overall", mood, domain).text
        if resolve and mood == 1 and self.rng.random() < 0.5:
            return self.rng.choice(self.style["contrast_resolve"]) + "{}".format("满意的" if
                                                                              self.rng.random() < 0.5 else "不错的")
        return text

    def _roughen(self, parts: list[str], mood: int) -> str:
        rng, style = self.rng, self.style
        out = rng.choice(style["prefix"])
        for i, part in enumerate(parts):
            if i:
                starts_contrast = part.startswith(tuple(style["contrast"] + style["flaw"]))
                joiner = rng.choice(style["and"]) if rng.random() < 0.25 and not starts_contrast else ""
                out += rng.choice(style["sep"]) + joiner
            out += part + (rng.choice(style["particle"]) if rng.random() < 0.15 else "")
        out += rng.choice(style["end"])
        if rng.random() < 0.1 and mood != 0:
            out += rng.choice(self.slots["emo_pos" if mood == 1 else "emo_neg"]) * rng.choice((1, 1, 2, 3))
        if rng.random() < 0.1:
            wrong, typo = rng.choice(style["typos"])
            out = out.replace(wrong, typo, 1)
        return out


def generate(n: int, seed: int = 13) -> list[Example]:
    """`n` generated examples, deterministic for a seed."""
    return CorpusGenerator(seed).generate(n)
