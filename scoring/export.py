"""Scorecard exports for HR: one worker's month (CSV, XLSX, HTML) and all workers (CSV, XLSX)."""
from __future__ import annotations

import calendar
import io
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import pandas as pd

from scoring.config import CATEGORIES, load_config

CATEGORY_NAMES = {"attitude": "服务态度", "skill": "专业技能", "logistics": "时间与调度",
                  "satisfaction": "客户满意度"}
CARD_COLUMNS = (
    "partition_date", "worker_id", "name", "city", "service_types", "composite", "trend",
    "percentile", "rank", "score_attitude", "score_skill", "score_logistics", "score_satisfaction",
    "orders", "reviews", "complaints", "praise", "raw_stars", "raw_on_time_share",
    "mean_lateness_min", "raw_rework_rate", "raw_attitude_per100", "raw_skill_per100",
    "raw_logistics_per100", "responded_30m_share", "resolved_24h_share", "resolved_48h_share",
    "top_subreasons",
)


def month_bounds(month: str) -> tuple[str, str]:
    """'2026-03' -> ('2026-03-01', '2026-03-31'); ValueError for anything else."""
    try:
        year, number = (int(part) for part in month.split("-"))
        last = calendar.monthrange(year, number)[1]
    except (ValueError, calendar.IllegalMonthError):
        raise ValueError(f"month must look like YYYY-MM, got {month!r}") from None
    return f"{year:04d}-{number:02d}-01", f"{year:04d}-{number:02d}-{last:02d}"


@dataclass
class WorkerMonth:
    """Everything one worker's monthly scorecard shows."""

    worker_id: str
    month: str
    history: pd.DataFrame  # worker_scorecards rows of the month, by day
    quotes: pd.DataFrame = field(default_factory=pd.DataFrame)  # feedback_id, kind, text, ...
    training: pd.DataFrame = field(default_factory=pd.DataFrame)
    incentive: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def latest(self) -> pd.Series:
        return self.history.iloc[-1]


def breakdown(card: pd.Series) -> pd.DataFrame:
    """Category scores of one scorecard row with their Chinese names."""
    def number(value: Any) -> float:  # nullable warehouse values -> plain float / NaN
        return float("nan") if value is None or pd.isna(value) else float(value)

    rows = [{"category": c, "name": CATEGORY_NAMES[c], "score": number(card.get(f"score_{c}"))}
            for c in (*CATEGORIES, "satisfaction")]
    return pd.DataFrame(rows)


def top_quotes(feedback: pd.DataFrame, limit: int = 3) -> pd.DataFrame:
    """Most negative and most positive texts (PII-masked upstream, masked again here)."""
    from nlp.text import mask_pii

    if not len(feedback):
        return pd.DataFrame(columns=["feedback_id", "tone", "sentiment", "text"])
    ranked = feedback.assign(sentiment=pd.to_numeric(feedback["sentiment"], errors="coerce"))
    ranked = ranked[ranked["text"].fillna("").str.len() > 0]
    ranked = ranked.sort_values(["sentiment", "feedback_id"])
    worst = ranked[ranked["sentiment"] < 0].head(limit).assign(tone="negative")
    best = ranked[ranked["sentiment"] > 0].iloc[::-1].head(limit).assign(tone="positive")
    quotes = pd.concat([worst, best], ignore_index=True)
    quotes["text"] = quotes["text"].map(lambda t: mask_pii(str(t))[:120])
    return quotes[["feedback_id", "tone", "sentiment", "text"]]


def worker_csv(month: WorkerMonth) -> str:
    """The worker's daily scorecard rows of the month (trend) as CSV text."""
    columns = [c for c in CARD_COLUMNS if c in month.history.columns]
    return month.history[columns].to_csv(index=False)


def all_csv(cards: pd.DataFrame) -> str:
    """Latest scorecards of all workers (or a team view) as CSV text."""
    if "worker_id" not in cards.columns:  # a team view: every column is the view
        return cards.to_csv(index=False)
    return cards[[c for c in CARD_COLUMNS if c in cards.columns]].to_csv(index=False)


def _xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def worker_xlsx(month: WorkerMonth) -> bytes:
    """Workbook: summary, daily trend, category breakdown, quotes, training, incentive."""
    summary = month.latest.reindex([c for c in CARD_COLUMNS if c in month.history.columns])
    return _xlsx({
        "scorecard": summary.rename_axis("field").reset_index(name="value"),
        "trend": month.history[[c for c in CARD_COLUMNS if c in month.history.columns]],
        "breakdown": breakdown(month.latest), "quotes": month.quotes,
        "training": month.training, "incentive": month.incentive,
    })


def all_xlsx(cards: pd.DataFrame, views: dict[str, pd.DataFrame]) -> bytes:
    """Workbook: every worker's latest scorecard plus one sheet per team view."""
    columns = [c for c in CARD_COLUMNS if c in cards.columns]
    return _xlsx({"scorecards": cards[columns], **{f"by_{k}": v for k, v in views.items()}})


def team_view(cards: pd.DataFrame, by: str, decisions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Team-level view by `city` or `service_type` (a multi-service worker counts in each)."""
    frame = cards.copy()
    if by == "service_type":
        frame["service_type"] = frame["service_types"].fillna("").str.split(";")
        frame = frame.explode("service_type")
    elif by != "city":
        raise ValueError(f"team view must be by city or service_type, got {by!r}")
    if decisions is not None and len(decisions):
        frame = frame.merge(decisions[["worker_id", "tier"]], on="worker_id", how="left")
    else:
        frame["tier"] = "none"
    ranked = frame[frame["ranked"] == 1]
    grouped = frame.groupby(by, sort=True)
    view = pd.DataFrame({
        "workers": grouped["worker_id"].nunique(),
        "ranked_workers": ranked.groupby(by)["worker_id"].nunique(),
        "orders": grouped["orders"].sum(),
        "mean_composite": ranked.groupby(by)["composite"].mean().round(1),
        "median_composite": ranked.groupby(by)["composite"].median().round(1),
        "mean_trend": ranked.groupby(by)["trend"].mean().round(1),
        **{f"mean_score_{c}": ranked.groupby(by)[f"score_{c}"].mean().round(1)
           for c in (*CATEGORIES, "satisfaction")},
        "complaints_per100":
            (100.0 * grouped["complaints"].sum() / grouped["orders"].sum()).round(2),
        "gold": grouped["tier"].agg(lambda t: int((t == "金牌").sum())),
        "silver": grouped["tier"].agg(lambda t: int((t == "银牌").sum())),
    })
    view[["ranked_workers"]] = view[["ranked_workers"]].fillna(0).astype(int)
    return view.rename_axis(by).reset_index()


def _chart(history: pd.DataFrame, width: int = 560, height: int = 180) -> dict[str, Any]:
    """Polyline coordinates of the composite by day on a 0–100 axis (inline SVG)."""
    pad, values = 30, pd.to_numeric(history["composite"], errors="coerce")
    n = max(len(values) - 1, 1)
    points = [(pad + i * (width - 2 * pad) / n, pad + (100 - v) * (height - 2 * pad) / 100)
              for i, v in enumerate(values) if pd.notna(v)]
    return {"width": width, "height": height, "pad": pad,
            "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
            "dots": points, "first": history["partition_date"].iloc[0],
            "last": history["partition_date"].iloc[-1],
            "grid": [(v, pad + (100 - v) * (height - 2 * pad) / 100) for v in (0, 25, 50, 75, 100)]}


def worker_html(month: WorkerMonth) -> str:
    """Self-contained HTML scorecard: summary, SVG trend chart, breakdown, quotes, decisions."""
    import jinja2

    source = resources.files("scoring").joinpath("templates", "scorecard.html.j2")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(source.read_text(encoding="utf-8"))
    card = month.latest.to_dict()  # a dict: jinja's card.name must be the column, not Series.name
    top = json.loads(card.get("top_subreasons") or "{}")
    return template.render(
        card=card, month=month.month, chart=_chart(month.history),
        breakdown=breakdown(month.latest),
        quotes=month.quotes.to_dict("records"), training=month.training.to_dict("records"),
        incentive=month.incentive.to_dict("records"), top_subreasons=top,
        weights=load_config().components, fmt=_fmt)


def _fmt(value: Any, digits: int = 1, percent: bool = False) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, str):
        return value
    return f"{100 * float(value):.{digits}f}%" if percent else f"{float(value):.{digits}f}"
