"""Colloquial Chinese review texts composed from fragment banks (demo/data/review_fragments.json).

A review mentions what actually happened on the order (late by so many minutes, rude, broken bowl)
most of the time, praises the aspects that went well more often the better the worker is, and mixes
in openers, stories, closers, typos, emoji and personal data the way real customers write.
"""
from __future__ import annotations

import random
import re

from demo.fragments import load
from demo.orders import Order

CN_DIGITS = "零一二三四五六七八九"
# chance that a customer mentions a problem that happened, by sub-reason prefix
MENTION_PROBABILITY = {"logistics.no_show": 0.9, "logistics.late": 0.6, "logistics": 0.7, "attitude": 0.85, "skill": 0.8}
ISSUE_BANK = {"logistics.no_show": "no_show", "logistics.left_early": "left_early",
              "logistics.missing_tools": "missing_tools", "logistics.rescheduled": "rescheduled",
              "attitude.rude": "rude", "attitude.impatient": "impatient", "attitude.phone_use": "phone_use",
              "attitude.tip_or_extra_charge": "tip", "attitude.careless_attitude": "careless", "skill.damage": "damage"}


def minutes_phrase(rng: random.Random, minutes: int) -> str:
    """How a person says a delay: 40分钟, 四十分钟, 半小时, 快一个小时, 一个多小时."""
    options = [f"{minutes}分钟"]
    rounded = 5 * round(minutes / 5)
    if 10 <= rounded < 100 and abs(rounded - minutes) <= 2:
        tens, ones = divmod(rounded, 10)
        options.append(f"{'' if tens == 1 else CN_DIGITS[tens]}十{CN_DIGITS[ones] if ones else ''}分钟")
    if 15 <= minutes <= 24:
        options.append("二十来分钟")
    if 25 <= minutes <= 35:
        options += ["半小时", "半个小时"]
    if 45 <= minutes <= 59:
        options += ["快一个小时", "将近一小时"]
    if 57 <= minutes <= 64:
        options.append("一个小时")
    if minutes > 64:
        options += ["一个多小时", "一个多钟头"]
    return rng.choice(options)


def worker_reference(rng: random.Random, order: Order) -> str:
    honorific = order.worker.honorific
    named = f"{order.worker.surname}{honorific}"
    return rng.choice((named, honorific, f"这个{honorific}", named))


def placeholders(rng: random.Random, order: Order) -> dict[str, str]:
    """Values for the {placeholders} of the fragment banks, taken from the order itself."""
    f, c = load("review_fragments"), order.customer
    start = order.scheduled_start
    phone = c.phone
    return {
        "ref": worker_reference(rng, order), "m": minutes_phrase(rng, max(order.late_minutes, 10)),
        "sched": f"{start.hour}点半" if start.minute else f"{start.hour}点", "item": rng.choice(f["items"]),
        "room": rng.choice(f["rooms"]), "amount": str(rng.choice((20, 30, 50, 100, 200))),
        "booked": f"{order.booked_hours:g}", "worked": f"{order.duration_hours:g}",
        "service": f["service_names"][order.service_type], "phone": phone,
        "phone_spaced": f"{phone[:3]} {phone[3:7]} {phone[7:]}", "surname": c.surname,
        "building": str(c.building), "unit": str(c.unit), "room_no": str(c.room_no), "estate": c.estate,
        "wechat": f"{rng.choice(load('people')['wechat_prefixes'])}{rng.randint(1970, 2005)}",
    }


def render(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


def compose_review(rng: random.Random, order: Order, rating: int, emoji: bool = True) -> str:
    """One review text for an order and the rating its customer gave."""
    f = load("review_fragments")
    values = placeholders(rng, order)
    if rng.random() < 0.06 and (not order.issues or rng.random() < 0.3):
        return _short_review(rng, f, rating)
    clauses = _problem_clauses(rng, f, order) + _praise_clauses(rng, f, order, rating)
    if not clauses or rng.random() < 0.2:
        clauses.append((_polarity(rating), rng.choice(f[f"generic_{_mood(rating)}"])))
    body = _join(rng, f, clauses)
    parts = [rng.choice(f["openers"])] if rng.random() < 0.3 else []
    if rng.random() < 0.12:
        parts.append(rng.choice(f["stories"]))
    parts.append(body)
    if rng.random() < (0.45 if rating <= 2 else 0.3):
        parts.append(rng.choice(f[f"closers_{_mood(rating)}"]))
    if rng.random() < 0.08:
        parts.append(rng.choice(f["pii"]))
    text = render(_punctuate(rng, parts), values)
    text = _typo(rng, f, text) if rng.random() < 0.12 else text
    if emoji and rng.random() < 0.2:
        text += "".join(rng.choices(f["emoji_negative" if rating <= 2 else "emoji_positive"], k=rng.randint(1, 3)))
    return text


def _mood(rating: int) -> str:
    return "positive" if rating >= 4 else "negative" if rating <= 2 else "neutral"


def _polarity(rating: int) -> int:
    return 1 if rating >= 4 else -1 if rating <= 2 else 0


def _short_review(rng: random.Random, f: dict, rating: int) -> str:
    return rng.choice(f[f"short_{_mood(rating)}"])


def _problem_clauses(rng: random.Random, f: dict, order: Order) -> list[tuple[int, str]]:
    clauses = []
    for issue in order.issues:
        chance = MENTION_PROBABILITY.get(issue, MENTION_PROBABILITY[issue.split(".")[0]])
        if issue == "logistics.late":
            chance += min(0.3, order.late_minutes / 200)
        if rng.random() < chance:
            clauses.append((-1, rng.choice(_issue_bank(rng, f, issue, order))))
    return clauses


def _issue_bank(rng: random.Random, f: dict, issue: str, order: Order) -> list[str]:
    if issue == "logistics.late":
        return f["late"] if rng.random() < 0.7 else f["late_vague"]
    if issue in ISSUE_BANK:
        return f[ISSUE_BANK[issue]]
    return f["skill_bad"][order.service_type]


def _praise_clauses(rng: random.Random, f: dict, order: Order, rating: int) -> list[tuple[int, str]]:
    if order.status != "completed":
        return []
    worker, mood_factor = order.worker, 0.3 + 0.7 * (rating - 1) / 4
    aspects = {"logistics": (worker.punctuality, f["punctual_praise"], f["punctual_neutral"]),
               "attitude": (worker.attitude, f["attitude_praise"], f["attitude_neutral"]),
               "skill": (worker.skill, f["skill_praise"][order.service_type], f["skill_neutral"])}
    clauses = []
    for aspect, (quality, praise, neutral) in aspects.items():
        if any(i.startswith(aspect) for i in order.issues):
            continue
        roll = rng.random()
        if roll < (0.1 + 0.5 * quality**2) * mood_factor:
            clauses.append((1, rng.choice(praise)))
        elif roll > 0.96 - 0.1 * (1 - quality):
            clauses.append((0, rng.choice(neutral)))
    return clauses


def _join(rng: random.Random, f: dict, clauses: list[tuple[int, str]]) -> str:
    rng.shuffle(clauses)
    good = [text for polarity, text in clauses if polarity >= 0]
    bad = [text for polarity, text in clauses if polarity < 0]
    if good and bad:
        if rng.random() < 0.65:
            connector = rng.choice(("但是", "就是", "不过", "可惜", "唯一不足的是", "只是"))
            return "，".join(good) + "，" + connector + "，".join(bad)
        return "，".join(bad) + "，" + rng.choice(("不过", "但是", "好在", "还好")) + "，".join(good)
    return rng.choice(("，", "，", "，", "。", " ", ",")).join(good or bad)


def _punctuate(rng: random.Random, parts: list[str]) -> str:
    separator = rng.choice(("，", "。", "。", "！", " "))
    end = rng.choice(("。", "。", "！", "", "~", "!!!", "。。。"))
    return separator.join(parts) + end


def _typo(rng: random.Random, f: dict, text: str) -> str:
    present = [word for word in f["typos"] if word in text]
    if not present:
        return text
    word = rng.choice(present)
    return text.replace(word, rng.choice(f["typos"][word]), 1)
