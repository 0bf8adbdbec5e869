"""Agent-written complaint records (third person), e.g. 客户反映阿姨迟到一小时且未提前告知，要求退款。"""
from __future__ import annotations

import random

from demo.fragments import load
from demo.orders import Order
from demo.texts import placeholders, render

# which problem an agent writes up first when an order had several
SEVERITY = ("logistics.no_show", "skill.damage", "attitude.rude", "attitude.tip_or_extra_charge",
            "logistics.late", "skill.not_clean", "skill.appliance", "skill.eldercare_method",
            "skill.childcare_method", "skill.cooking", "attitude.impatient", "attitude.phone_use",
            "attitude.careless_attitude", "logistics.left_early", "logistics.missing_tools", "logistics.rescheduled")


def main_issue(rng: random.Random, order: Order) -> str:
    """The sub-reason a complaint is about: the most severe problem, or a non-worker matter."""
    ranked = sorted(order.issues, key=SEVERITY.index)
    return ranked[0] if ranked else rng.choice(("other.price", "other.app"))


def agent_reference(rng: random.Random, order: Order) -> str:
    w = order.worker
    return rng.choice((w.honorific, f"{w.surname}{w.honorific}", "服务人员", f"该{w.honorific}",
                       f"服务人员{w.name}", f"{w.honorific}（工号{w.worker_id}）"))


def compose_complaint(rng: random.Random, order: Order, channel: str, issue: str) -> str:
    """An agent's note of one complaint about `issue` on `order`, received on `channel`."""
    f = load("complaint_fragments")
    values = placeholders(rng, order) | {"ref": agent_reference(rng, order)}
    sentence = rng.choice(f["prefix"][channel]) + rng.choice(f["issues"][issue])
    others = [i for i in order.issues if i != issue]
    if others and rng.random() < 0.5:
        second = rng.choice(f["issues"][rng.choice(others)]).replace("{ref}", "")
        sentence += rng.choice(("，且", "，另外", "，同时")) + second
    sentence += "，" + rng.choice(f["demands"]) + "。"
    note = rng.choice(f["notes"])
    if rng.random() < 0.15:
        note = rng.choice(f["pii"]) + note
    return render(sentence + note, values)
