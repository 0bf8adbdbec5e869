"""The inbox filter form: lenient parsing of submitted values into ComplaintFilters."""
from __future__ import annotations

import math
from datetime import date

from starlette.datastructures import QueryParams

from nlp.taxonomy import CATEGORY_KEYS
from service.queries import ComplaintFilters


def form_text(params: QueryParams, name: str) -> str | None:
    """A submitted text field, trimmed and cut to 200 characters; blank means None."""
    return params.get(name, "").strip()[:200] or None


def parse_filters(params: QueryParams) -> tuple[ComplaintFilters, list[str]]:
    """Inbox filters from a submitted form: blanks mean 'any'; bad values are dropped and reported."""
    errors: list[str] = []

    def as_date(name: str) -> date | None:
        value = form_text(params, name)
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            errors.append(f"{name}: 日期格式应为 YYYY-MM-DD")
            return None

    def as_sentiment(name: str) -> float | None:
        value = form_text(params, name)
        try:
            number = float(value) if value else None
        except ValueError:
            number = math.nan
        if number is not None and not -1 <= number <= 1:
            errors.append(f"{name}: 情感值应在 -1 到 1 之间")
            return None
        return number

    category = form_text(params, "category")
    if category not in (None, "none", *CATEGORY_KEYS):
        errors.append("category: 未知类别")
        category = None
    filters = ComplaintFilters(
        as_date("date_from"), as_date("date_to"), category, form_text(params, "subreason"),
        form_text(params, "worker_id"), form_text(params, "city"), form_text(params, "service_type"),
        as_sentiment("sentiment_min"), as_sentiment("sentiment_max"), form_text(params, "q"),
        params.get("include_praise") == "1")
    problems = filters.problems()
    if problems:
        errors += problems
        filters = ComplaintFilters(include_praise=filters.include_praise)
    return filters, errors
