"""POST /v1/classify: contract columns, batch and size limits, malformed input -> 4xx, never 500."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from service_fixtures import bearer

CONTRACT_FIELDS = {"attitude", "skill", "logistics", "p_attitude", "p_skill", "p_logistics", "labels",
                   "category", "subreasons", "sentiment", "confidence", "evidence"}


def _post(client, tokens, payload, raw: bytes | None = None, **headers):
    all_headers = {**bearer(tokens["quality"]), "Content-Type": "application/json", **headers}
    content = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
    return client.post("/v1/classify", content=content, headers=all_headers)


def test_classifies_texts_in_order_with_contract_fields(client, tokens):
    texts = ["阿姨迟到了一个小时，态度差", "打扫得很干净，谢谢", ""]
    response = _post(client, tokens, {"texts": texts})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 3 and body["model_version"]
    assert [r["index"] for r in body["results"]] == [0, 1, 2]
    first = body["results"][0]
    assert CONTRACT_FIELDS <= set(first)
    assert first["logistics"] == -1 and "logistics" in first["labels"].split(";")
    assert isinstance(first["evidence"], dict) and -1 <= first["sentiment"] <= 1


def test_phone_numbers_never_come_back_in_evidence(client, tokens):
    body = _post(client, tokens, {"texts": ["迟到了 13812345678 态度差"]}).json()
    assert "13812345678" not in json.dumps(body, ensure_ascii=False)


def test_full_batch_of_1000_is_accepted(client, tokens):
    response = _post(client, tokens, {"texts": ["准时到达，态度很好"] * 1000})
    assert response.status_code == 200 and response.json()["count"] == 1000


def test_100000_character_text_is_accepted(client, tokens):
    text = ("阿姨迟到了，态度差。" + "家里的窗户和地板都按照要求处理完毕" * 6000)[:100_000]
    response = _post(client, tokens, {"texts": [text]})
    assert response.status_code == 200, response.text
    assert "attitude" in response.json()["results"][0]["labels"]


@pytest.mark.parametrize("payload,status,fragment", [
    ({"texts": []}, 422, "at least 1"),
    ({"texts": ["好"] * 1001}, 422, "at most 1000"),
    ({"texts": ["好" * 100_001]}, 422, "at most 100000 characters"),
    ({"texts": [123]}, 422, "texts.0"),
    ({"texts": ["好", None]}, 422, "texts.1"),
    ({"texts": "阿姨迟到了"}, 422, "list"),
    ({"text": ["阿姨迟到了"]}, 422, "texts"),
    ({"texts": ["好"], "extra": 1}, 422, "extra"),
    (["阿姨迟到了"], 422, "body"),
    ("阿姨迟到了", 422, "body"),
])
def test_wrong_shapes_and_types_are_422_with_a_clear_message(client, tokens, payload, status, fragment):
    response = _post(client, tokens, payload)
    assert response.status_code == status
    body = response.json()
    assert fragment in body["detail"] or fragment in json.dumps(body["errors"])
    assert "阿姨迟到了" not in response.text  # the input is not echoed back


@pytest.mark.parametrize("raw", [b'{"texts": ["unterminated', b"\xff\xfe\x00garbage", b"nul\x00l"])
def test_malformed_json_is_400(client, tokens, raw):
    response = _post(client, tokens, None, raw=raw)
    assert response.status_code == 400
    assert response.json()["detail"] == "request body is not valid JSON"


def test_empty_body_is_422(client, tokens):
    response = _post(client, tokens, None, raw=b"")
    assert response.status_code == 422
    assert "body is required" in response.json()["detail"]


def test_lone_surrogate_is_rejected_not_crashing(client, tokens):
    response = _post(client, tokens, None, raw=b'{"texts": ["a\\ud800"]}')
    assert response.status_code == 422 and "texts.0" in response.json()["detail"]


def test_too_many_characters_in_one_request_is_413(client, tokens, app):
    limit = app.state.service.settings.max_request_chars
    response = _post(client, tokens, {"texts": ["好" * 70_000] * (limit // 70_000 + 1)})
    assert response.status_code == 413
    assert f"at most {limit}" in response.json()["detail"]


def test_body_over_the_limit_is_413(client, tokens, app):
    texts = ["好" * 90_000] * 4  # valid per text, but 1 MiB+ in total
    response = _post(client, tokens, {"texts": texts})
    assert response.status_code == 413
    assert str(app.state.service.settings.max_body_bytes) in response.json()["detail"]


def test_streamed_body_over_the_limit_is_413(client, tokens, app):
    limit = app.state.service.settings.max_body_bytes

    def chunks():
        yield b'{"texts": ["'
        for _ in range(limit // 65536 + 2):
            yield b"a" * 65536
        yield b'"]}'

    headers = {**bearer(tokens["quality"]), "Content-Type": "application/json"}
    response = client.post("/v1/classify", content=chunks(), headers=headers)
    assert response.status_code == 413


def test_missing_model_is_503_not_500(app):
    from fastapi.testclient import TestClient

    from service.app import create_app

    with TestClient(create_app(app.state.service.settings)) as client:
        from service.auth import create_token

        token = create_token(client.app.state.service.engine, "q", "quality")
        response = client.post("/v1/classify", json={"texts": ["好"]}, headers=bearer(token))
    assert response.status_code == 503
    assert "train" in response.json()["detail"]


def test_healthz_needs_no_token(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["database"] == "ok"


def test_openapi_lists_the_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/classify", "/v1/complaints", "/v1/workers", "/v1/workers/{worker_id}/scorecard",
            "/healthz"} <= set(paths)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children,
                                                                       max_size=4),
    max_leaves=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=json_values | st.fixed_dictionaries({"texts": json_values}))
def test_any_json_body_gets_an_answer_below_500(client, tokens, payload):
    response = _post(client, tokens, None, raw=json.dumps(payload).encode())
    assert response.status_code < 500
    assert response.status_code == 200 or response.json()["detail"]


@pytest.mark.parametrize("worker_id", ["..%2F..%2Fetc", "W 1", "x" * 65])
def test_odd_worker_ids_are_rejected_cleanly(client, tokens, worker_id):
    response = client.get(f"/v1/workers/{worker_id}/scorecard", headers=bearer(tokens["hr"]))
    assert response.status_code in (404, 422)
