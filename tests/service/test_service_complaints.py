"""GET /v1/complaints: every filter, paging, masking and the CSV export."""
from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from service_fixtures import PHONE, bearer

from service.db import audit_log

COMPLAINT_IDS = {"complaint:K00000001", "review:R00000001", "review:R00000003", "complaint:K00000002"}


def _ids(client, tokens, **params) -> set[str]:
    response = client.get("/v1/complaints", params=params, headers=bearer(tokens["quality"]))
    assert response.status_code == 200, response.text
    return {item["feedback_id"] for item in response.json()["items"]}


def test_default_lists_complaints_newest_first(client, tokens):
    body = client.get("/v1/complaints", headers=bearer(tokens["quality"])).json()
    assert body["total"] == 4 and body["pages"] == 1
    assert {i["feedback_id"] for i in body["items"]} == COMPLAINT_IDS
    created = [i["created_at"] for i in body["items"]]
    assert created == sorted(created, reverse=True)


@pytest.mark.parametrize("params,expected", [
    ({"date_from": "2026-03-02"}, {"review:R00000003", "complaint:K00000002"}),
    ({"date_to": "2026-03-01"}, {"complaint:K00000001", "review:R00000001"}),
    ({"category": "attitude"}, {"complaint:K00000001", "review:R00000003"}),
    ({"category": "logistics"}, {"complaint:K00000001", "complaint:K00000002"}),
    ({"category": "none"}, {"review:R00000002"}),
    ({"subreason": "skill.damage"}, {"review:R00000001"}),
    ({"worker_id": "W0002"}, {"review:R00000001", "complaint:K00000002"}),
    ({"city": "北京"}, {"review:R00000001", "review:R00000003"}),
    ({"service_type": "eldercare"}, {"review:R00000003"}),
    ({"sentiment_min": -0.7, "sentiment_max": -0.5}, {"review:R00000001"}),
    ({"q": "杯子"}, {"review:R00000001"}),
    ({"q": "%"}, set()),
    ({"include_praise": "true", "worker_id": "W0001"}, {"complaint:K00000001", "review:R00000002"}),
    ({"category": "logistics", "city": "上海"}, {"complaint:K00000001"}),
])
def test_filters(client, tokens, params, expected):
    assert _ids(client, tokens, **params) == expected


def test_paging(client, tokens):
    pages = [client.get("/v1/complaints", params={"page": p, "page_size": 3},
                        headers=bearer(tokens["quality"])).json() for p in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [3, 1, 0]
    assert pages[0]["pages"] == 2 and pages[0]["total"] == 4
    seen = [i["feedback_id"] for p in pages for i in p["items"]]
    assert len(seen) == len(set(seen)) == 4


def test_items_are_masked_with_parsed_evidence_and_order_fields(client, tokens):
    items = client.get("/v1/complaints", params={"worker_id": "W0001"},
                       headers=bearer(tokens["quality"])).json()["items"]
    (item,) = items
    assert PHONE not in item["text"] and "迟到" in item["text"]
    assert item["evidence"] == {"logistics": ["迟到"], "attitude": ["态度差"]}
    assert (item["city"], item["service_type"], item["attitude"], item["skill"]) == ("上海", "cleaning", -1, None)
    assert "customer_id" not in item


@pytest.mark.parametrize("params,fragment", [
    ({"date_from": "yesterday"}, "date_from"),
    ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_from is after date_to"),
    ({"category": "price"}, "category"),
    ({"subreason": "skill.magic"}, "unknown sub-reason"),
    ({"sentiment_min": 2}, "sentiment_min"),
    ({"sentiment_min": 0.5, "sentiment_max": -0.5}, "sentiment_min is above"),
    ({"page": 0}, "page"),
    ({"page_size": 501}, "page_size"),
    ({"q": "x" * 201}, "q"),
    ({"format": "xml"}, "format"),
])
def test_bad_filters_are_422_with_a_clear_message(client, tokens, params, fragment):
    response = client.get("/v1/complaints", params=params, headers=bearer(tokens["quality"]))
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_csv_export_is_masked_spreadsheet_safe_and_audited(client, engine, tokens):
    response = client.get("/v1/complaints", params={"format": "csv", "date_from": "2026-03-01"},
                          headers=bearer(tokens["quality"]))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff") and PHONE not in text
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r["feedback_id"] for r in rows} == COMPLAINT_IDS
    hostile = next(r for r in rows if r["feedback_id"] == "review:R00000003")
    assert hostile["text"].startswith("'=")
    assert next(r for r in rows if r["feedback_id"] == "complaint:K00000002")["sentiment"] == "-0.9"
    with engine.connect() as conn:
        actions = conn.execute(sa.select(audit_log.c.action, audit_log.c.detail)).all()
    assert actions[-1].action == "complaints_export" and "2026-03-01" in actions[-1].detail


def test_missing_warehouse_tables_give_empty_results(tmp_path, classifier):
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.auth import create_token
    from service.settings import ServiceSettings

    app = create_app(ServiceSettings(warehouse_url=f"sqlite:///{tmp_path}/empty.db",
                                     model_dir=str(tmp_path)), classifier=classifier)
    with TestClient(app) as client:
        admin = create_token(app.state.service.engine, "a", "admin")
        assert client.get("/v1/complaints", headers=bearer(admin)).json()["total"] == 0
        assert client.get("/v1/workers", headers=bearer(admin)).json()["workers"] == []
        assert client.get("/v1/workers/W0001/scorecard", headers=bearer(admin)).status_code == 404
