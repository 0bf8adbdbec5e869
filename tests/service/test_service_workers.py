"""GET /v1/workers and /v1/workers/{id}/scorecard: ranking, filters, scorecard content, masking."""
from __future__ import annotations

import json

from service_fixtures import DAYS, PHONE, bearer


def _get(client, tokens, path, **params):
    response = client.get(path, params=params, headers=bearer(tokens["hr"]))
    assert response.status_code == 200, response.text
    return response.json()


def test_ranking_of_the_latest_day_best_first_with_tiers(client, tokens):
    body = _get(client, tokens, "/v1/workers")
    assert body["partition_date"] == DAYS[1] and body["total"] == 3
    assert [w["worker_id"] for w in body["workers"]] == ["W0001", "W0003", "W0002"]
    assert [w["rank"] for w in body["workers"]] == [1, 2, 3]
    assert (body["workers"][0]["tier"], body["workers"][0]["bonus_yuan"]) == ("gold", 500)
    assert body["workers"][1]["tier"] is None


def test_ranking_filters_and_paging(client, tokens):
    assert [w["worker_id"] for w in _get(client, tokens, "/v1/workers", city="北京")["workers"]] == [
        "W0003", "W0002"]
    nanny = _get(client, tokens, "/v1/workers", service_type="nanny")["workers"]
    assert [w["worker_id"] for w in nanny] == ["W0001"]
    page = _get(client, tokens, "/v1/workers", limit=1, offset=1)
    assert page["total"] == 3 and [w["worker_id"] for w in page["workers"]] == ["W0003"]
    earlier = _get(client, tokens, "/v1/workers", date=DAYS[0])
    assert earlier["partition_date"] == DAYS[0] and earlier["workers"][0]["composite"] == 82.0
    assert _get(client, tokens, "/v1/workers", date="2025-01-01")["workers"] == []


def test_scorecard_has_history_daily_rows_decisions_and_masked_quotes(client, tokens):
    card = _get(client, tokens, "/v1/workers/W0002/scorecard")
    assert card["partition_date"] == DAYS[1]
    assert card["scorecard"]["worker_id"] == "W0002" and card["scorecard"]["composite"] == 62.5
    assert [h["partition_date"] for h in card["history"]] == list(DAYS)
    assert [d["partition_date"] for d in card["daily"]] == list(DAYS)
    (recommendation,) = card["training_recommendations"]
    assert recommendation["course_title"] == "保洁标准流程"
    assert PHONE not in json.dumps(card, ensure_ascii=False)
    assert {c["feedback_id"] for c in card["recent_complaints"]} == {
        "review:R00000001", "complaint:K00000002"}


def test_scorecard_of_an_earlier_day(client, tokens):
    card = _get(client, tokens, "/v1/workers/W0001/scorecard", date=DAYS[0])
    assert card["partition_date"] == DAYS[0] and card["scorecard"]["composite"] == 82.0
    assert card["incentive_decisions"] == []
