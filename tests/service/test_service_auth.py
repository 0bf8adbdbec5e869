"""Tokens, roles and the audit log: 401 without or with a bad token, 403 for the wrong role."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from service_fixtures import bearer

from pipelines.cli import main as feedback_cli
from service.auth import create_token, list_tokens, revoke_token
from service.db import api_tokens, audit_log

QUALITY_ROUTES = [("get", "/v1/complaints"), ("post", "/v1/classify")]
HR_ROUTES = [("get", "/v1/workers"), ("get", "/v1/workers/W0001/scorecard")]


def _call(client, method: str, path: str, token: str | None = None):
    headers = bearer(token) if token else {}
    body = {"json": {"texts": ["阿姨迟到了"]}} if method == "post" else {}
    return getattr(client, method)(path, headers=headers, **body)


@pytest.mark.parametrize("method,path", QUALITY_ROUTES + HR_ROUTES)
def test_missing_or_bad_token_is_401(client, tokens, method, path):
    missing = _call(client, method, path)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert "token" in missing.json()["detail"]
    forged = tokens["admin"][:-4] + "AAAA"
    for bad in ("nonsense", "fbk_deadbeef_secret", forged):
        assert _call(client, method, path, bad).status_code == 401


@pytest.mark.parametrize("method,path", QUALITY_ROUTES)
def test_hr_may_not_read_complaints_or_classify(client, tokens, method, path):
    response = _call(client, method, path, tokens["hr"])
    assert response.status_code == 403
    assert "quality" in response.json()["detail"]


@pytest.mark.parametrize("method,path", HR_ROUTES)
def test_quality_may_not_read_scorecards(client, tokens, method, path):
    assert _call(client, method, path, tokens["quality"]).status_code == 403


@pytest.mark.parametrize("method,path", QUALITY_ROUTES + HR_ROUTES)
def test_admin_may_do_everything(client, tokens, method, path):
    assert _call(client, method, path, tokens["admin"]).status_code == 200


def test_tokens_are_stored_hashed_and_revocable(client, engine, tokens):
    secret = tokens["hr"].split("_", 2)[2]
    with engine.connect() as conn:
        stored = [tuple(map(str, row)) for row in conn.execute(sa.select(api_tokens))]
    assert stored and not any(secret in value for row in stored for value in row)
    assert _call(client, "get", "/v1/workers", tokens["hr"]).status_code == 200
    assert revoke_token(engine, "test-hr") == 1
    assert _call(client, "get", "/v1/workers", tokens["hr"]).status_code == 401
    assert revoke_token(engine, "test-hr") == 0


def test_create_token_rejects_unknown_role(engine):
    with pytest.raises(ValueError, match="role"):
        create_token(engine, "someone", "superuser")


def test_scorecard_reads_are_audited(client, engine, tokens):
    assert _call(client, "get", "/v1/workers/W0002/scorecard", tokens["hr"]).status_code == 200
    assert _call(client, "get", "/v1/workers/W9999/scorecard", tokens["hr"]).status_code == 404
    _call(client, "get", "/v1/workers/W0001/scorecard", tokens["quality"])  # forbidden: no read
    with engine.connect() as conn:
        rows = conn.execute(sa.select(audit_log).where(audit_log.c.action == "scorecard_read")
                            .order_by(audit_log.c.audit_id)).all()
    assert [(r.token_name, r.role, r.worker_id) for r in rows] == [
        ("test-hr", "hr", "W0002"), ("test-hr", "hr", "W9999")]
    assert "no scorecard" in rows[1].detail


def test_token_cli_create_list_revoke(settings, capsys, monkeypatch):
    monkeypatch.setenv("FEEDBACK_WAREHOUSE_URL", settings.warehouse_url)
    assert feedback_cli(["token", "create", "--role", "hr", "--name", "hr-zhang"]) == 0
    token = capsys.readouterr().out.splitlines()[0]
    assert token.startswith("fbk_")
    assert feedback_cli(["token", "list"]) == 0
    listing = capsys.readouterr().out
    assert "hr-zhang" in listing and token.split("_", 2)[2] not in listing
    token_id = token.split("_")[1]
    assert feedback_cli(["token", "revoke", token_id]) == 0
    assert "revoked 1" in capsys.readouterr().out
    assert feedback_cli(["token", "revoke", token_id]) == 1
    from service.db import open_warehouse
    rows = list_tokens(open_warehouse(settings.warehouse_url).engine)
    assert [r["revoked_at"] is not None for r in rows if r["name"] == "hr-zhang"] == [True]
