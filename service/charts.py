"""Geometry for the inline SVG charts of the scorecard page (the template draws it, escaped)."""
from __future__ import annotations

from dataclasses import dataclass, field

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 28, 18, 34


@dataclass
class Chart:
    """Everything a template needs to draw one chart; coordinates are in SVG user units."""

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    path: str = ""
    points: list[dict] = field(default_factory=list)
    bars: list[dict] = field(default_factory=list)
    y_ticks: list[dict] = field(default_factory=list)
    x_labels: list[dict] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.points or self.bars or self.x_labels)


def _y(value: float, low: float, high: float) -> float:
    span = (high - low) or 1.0
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / span), 1)


def _ticks(low: float, high: float, count: int = 5) -> list[dict]:
    step = (high - low) / (count - 1)
    return [{"y": _y(low + i * step, low, high), "label": f"{low + i * step:g}"} for i in range(count)]


def _x_labels(labels: list[str], xs: list[float], most: int = 6) -> list[dict]:
    every = max(1, -(-len(labels) // most))
    return [{"x": x, "label": label[5:] if len(label) == 10 else label}
            for i, (label, x) in enumerate(zip(labels, xs)) if i % every == 0 or i == len(labels) - 1]


def line_chart(series: list[tuple[str, float | None]], low: float, high: float) -> Chart:
    """A line over dated values (None values are skipped), y axis from low to high."""
    known = [(label, value) for label, value in series if value is not None]
    if not known:
        return Chart()
    inner = WIDTH - LEFT - RIGHT
    step = inner / max(1, len(known) - 1)
    xs = [round(LEFT + i * step, 1) if len(known) > 1 else LEFT + inner / 2 for i in range(len(known))]
    points = [{"x": x, "y": _y(v, low, high), "label": label, "value": f"{v:.1f}"}
              for x, (label, v) in zip(xs, known)]
    path = "M " + " L ".join(f"{p['x']} {p['y']}" for p in points)
    return Chart(path=path, points=points, y_ticks=_ticks(low, high),
                 x_labels=_x_labels([label for label, _ in known], xs))


def bar_chart(items: list[tuple[str, float | None]], low: float = 0, high: float = 100) -> Chart:
    """One bar per labelled value (None draws no bar but keeps the label)."""
    if not items:
        return Chart()
    slot = (WIDTH - LEFT - RIGHT) / len(items)
    bars = []
    for i, (label, value) in enumerate(items):
        top = _y(value if value is not None else low, low, high)
        bars.append({"x": round(LEFT + i * slot + slot * 0.2, 1), "y": top, "w": round(slot * 0.6, 1),
                     "h": round(_y(low, low, high) - top, 1), "label": label,
                     "value": "—" if value is None else f"{value:.0f}", "series": 0})
    xs = [b["x"] + b["w"] / 2 for b in bars]
    return Chart(bars=bars, y_ticks=_ticks(low, high),
                 x_labels=[{"x": x, "label": b["label"]} for x, b in zip(xs, bars)])


def stacked_bars(days: list[str], series: list[tuple[str, list[float]]]) -> Chart:
    """Per-day stacked bars, one colour (series index) per named series."""
    if not days:
        return Chart()
    totals = [sum(values[i] for _, values in series) for i in range(len(days))]
    high = max(4.0, float(max(totals)))
    slot = (WIDTH - LEFT - RIGHT) / len(days)
    bars = []
    for i, day in enumerate(days):
        base = 0.0
        for s, (name, values) in enumerate(series):
            if values[i] > 0:
                top, bottom = _y(base + values[i], 0, high), _y(base, 0, high)
                bars.append({"x": round(LEFT + i * slot + slot * 0.15, 1), "y": top,
                             "w": round(slot * 0.7, 1), "h": round(bottom - top, 1), "series": s,
                             "label": f"{day} {name}", "value": f"{values[i]:g}"})
                base += values[i]
    xs = [round(LEFT + i * slot + slot / 2, 1) for i in range(len(days))]
    return Chart(bars=bars, y_ticks=_ticks(0, high), x_labels=_x_labels(days, xs),
                 legend=[{"name": name, "series": s} for s, (name, _) in enumerate(series)])
