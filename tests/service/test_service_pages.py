"""Pages through the test client: login, roles, inbox filters, escaping, corrections, scorecard."""
from __future__ import annotations

import re

import sqlalchemy as sa
from service_fixtures import PHONE

from service.db import audit_log, label_corrections


def _login(client, token: str):
    return client.post("/login", data={"token": token, "next": ""}, follow_redirects=False)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def test_pages_redirect_to_login_without_a_session(client):
    for path in ("/inbox", "/workers", "/workers/W0001", "/"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_bad_token_stays_on_login(client):
    response = _login(client, "fbk_nothing_here")
    assert response.status_code == 401 and "令牌无效" in response.text


def test_login_lands_by_role_and_roles_are_enforced(client, tokens):
    assert _login(client, tokens["hr"]).headers["location"] == "/workers"
    assert client.get("/inbox").status_code == 403
    assert client.get("/workers").status_code == 200
    client.post("/logout")
    assert _login(client, tokens["quality"]).headers["location"] == "/inbox"
    assert client.get("/workers/W0001").status_code == 403


def test_login_keeps_a_local_next_but_not_an_offsite_one(client, tokens):
    local = client.post("/login", data={"token": tokens["hr"], "next": "/workers/W0002"},
                        follow_redirects=False)
    assert local.headers["location"] == "/workers/W0002"
    offsite = client.post("/login", data={"token": tokens["hr"], "next": "//evil.example/x"},
                          follow_redirects=False)
    assert offsite.headers["location"] == "/workers"


def test_session_cookie_is_httponly_and_ends_with_revocation(client, engine, tokens):
    from service.auth import revoke_token

    response = _login(client, tokens["quality"])
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert client.get("/inbox").status_code == 200
    revoke_token(engine, "test-quality")
    assert client.get("/inbox", follow_redirects=False).status_code == 303


def test_inbox_filters_highlights_and_escapes(client, tokens):
    _login(client, tokens["quality"])
    page = client.get("/inbox", params={"category": "attitude"}).text
    assert "共 2 条" in page
    assert "<mark>态度差</mark>" in page and "<mark>玩手机</mark>" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert PHONE not in page
    assert "content-security-policy" in client.get("/inbox").headers


def test_inbox_reports_bad_filter_values_instead_of_failing(client, tokens):
    _login(client, tokens["quality"])
    response = client.get("/inbox", params={"date_from": "tomorrow", "sentiment_min": "abc",
                                            "page": "-3", "category": ""})
    assert response.status_code == 200
    assert "日期格式" in response.text and "情感值" in response.text


def test_correcting_a_label_stores_a_masked_training_label(client, engine, tokens):
    _login(client, tokens["quality"])
    page = client.get("/inbox", params={"worker_id": "W0001"}).text
    response = client.post("/inbox/correct", follow_redirects=False, data={
        "csrf": _csrf(page), "feedback_id": "complaint:K00000001", "category": "attitude",
        "polarity": "-1", "return_query": "worker_id=W0001"})
    assert response.status_code == 303 and "saved=1" in response.headers["location"]
    with engine.connect() as conn:
        (row,) = conn.execute(sa.select(label_corrections)).all()
        audit = conn.execute(sa.select(audit_log).where(audit_log.c.action == "label_correction")).one()
    assert (row.feedback_id, row.category, row.polarity, row.corrected_by) == (
        "complaint:K00000001", "attitude", -1, "test-quality")
    assert PHONE not in row.text and "迟到" in row.text and row.corrected_at is not None
    assert audit.worker_id == "W0001"
    assert "已更正" in client.get(response.headers["location"]).text


def test_correction_needs_the_form_token_and_valid_values(client, engine, tokens):
    _login(client, tokens["quality"])
    csrf = _csrf(client.get("/inbox").text)
    base = {"feedback_id": "review:R00000001", "category": "skill", "polarity": "-1"}
    assert client.post("/inbox/correct", data={**base, "csrf": "forged"}).status_code == 403
    assert client.post("/inbox/correct", data={**base, "csrf": csrf, "category": "x"}).status_code == 400
    assert client.post("/inbox/correct", data={**base, "csrf": csrf, "polarity": "7"}).status_code == 400
    assert client.post("/inbox/correct", data={**base, "csrf": csrf,
                                               "feedback_id": "review:nope"}).status_code == 404
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(label_corrections)).scalar() == 0


def test_hr_ranking_and_scorecard_page_with_charts_is_audited(client, engine, tokens):
    _login(client, tokens["hr"])
    ranking = client.get("/workers").text
    assert ranking.index("W0001") < ranking.index("W0003") < ranking.index("W0002")
    page = client.get("/workers/W0002")
    assert page.status_code == 200
    assert page.text.count("<svg") == 3 and "<path d=\"M" in page.text
    assert "保洁标准流程" in page.text and PHONE not in page.text
    with engine.connect() as conn:
        audit = conn.execute(sa.select(audit_log).where(audit_log.c.action == "scorecard_read")).one()
    assert (audit.worker_id, audit.token_name, audit.detail) == ("W0002", "test-hr", "page")


def test_inbox_csv_export_from_the_page(client, tokens):
    _login(client, tokens["quality"])
    response = client.get("/inbox.csv", params={"worker_id": "W0002"})
    assert response.status_code == 200 and response.text.count("\n") == 3
