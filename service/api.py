"""JSON API: /v1/classify, /v1/complaints (+CSV), /v1/workers, /v1/workers/{id}/scorecard, /healthz."""
from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, Literal

import pandas as pd
import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, StrictStr, StringConstraints

from service.app import ServiceState, get_state
from service.auth import AuthError, Principal, record_audit, require_role, verify_token
from service.queries import (
    COMPLAINT_COLUMNS,
    ORDER_COLUMNS,
    ComplaintFilters,
    iter_complaints,
    list_complaints,
)
from service.safety import csv_cell, mask_text
from service.scorecards import rank_workers, worker_scorecard
from service.settings import MAX_BATCH, MAX_TEXT_CHARS

router = APIRouter()
bearer = HTTPBearer(auto_error=False, description="API token from `feedback token create`")
WORKER_ID = Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
ShortText = Annotated[str | None, Query(max_length=200)]
CategoryParam = Literal["attitude", "skill", "logistics", "none"]


def api_principal(request: Request,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
                  ) -> Principal:
    """The caller of an API route, from `Authorization: Bearer <token>`; 401 otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthError(401, "missing API token: send 'Authorization: Bearer <token>'")
    return verify_token(get_state(request).engine, credentials.credentials)


def quality_user(p: Annotated[Principal, Depends(api_principal)]) -> Principal:
    return require_role(p, "quality")


def hr_user(p: Annotated[Principal, Depends(api_principal)]) -> Principal:
    return require_role(p, "hr")


QualityUser = Annotated[Principal, Depends(quality_user)]
HrUser = Annotated[Principal, Depends(hr_user)]


class ClassifyRequest(BaseModel):
    """Texts to classify: 1 to 1,000 strings of at most 100,000 characters each."""

    model_config = ConfigDict(extra="forbid")
    texts: list[Annotated[StrictStr, StringConstraints(max_length=MAX_TEXT_CHARS)]] = Field(
        min_length=1, max_length=MAX_BATCH)


def _json_value(value: Any) -> Any:
    """Plain JSON value of a DataFrame cell (pandas NA, NaN and None become null)."""
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _prediction_records(frame: Any) -> list[dict[str, Any]]:
    records = []
    for index, row in enumerate(frame.astype(object).to_dict(orient="records")):
        record = {"index": index, **{k: _json_value(v) for k, v in row.items()}}
        try:
            record["evidence"] = json.loads(record.get("evidence") or "{}")
        except (TypeError, ValueError):
            record["evidence"] = {}
        records.append(record)
    return records


@router.post("/v1/classify", tags=["classify"])
async def classify(body: ClassifyRequest, request: Request,
                   _: QualityUser) -> dict[str, Any]:
    """Classify texts; returns the classifier columns of docs/contracts.md per text, in order."""
    state = get_state(request)
    total = sum(len(t) for t in body.texts)
    if total > state.settings.max_request_chars:
        raise HTTPException(413, f"the texts hold {total} characters; one request may hold at most "
                                 f"{state.settings.max_request_chars}: split the batch")
    holder = state.classifier
    texts = [mask_text(t) for t in body.texts]
    try:
        frame = await run_in_threadpool(holder.predict, texts)
    except FileNotFoundError as exc:
        raise HTTPException(503, f"classifier not available: {exc}") from None
    return {"model_version": holder.model_version, "count": len(texts),
            "results": _prediction_records(frame)}


def complaint_filters(
    date_from: date | None = None, date_to: date | None = None,
    category: CategoryParam | None = None, subreason: ShortText = None,
    worker_id: ShortText = None, city: ShortText = None, service_type: ShortText = None,
    sentiment_min: Annotated[float | None, Query(ge=-1, le=1)] = None,
    sentiment_max: Annotated[float | None, Query(ge=-1, le=1)] = None,
    q: ShortText = None, include_praise: bool = False,
) -> ComplaintFilters:
    """Query parameters of the complaint inbox, validated."""
    filters = ComplaintFilters(date_from, date_to, category, subreason or None, worker_id or None,
                               city or None, service_type or None, sentiment_min, sentiment_max,
                               q.strip() if q and q.strip() else None, include_praise)
    problems = filters.problems()
    if problems:
        raise HTTPException(422, "; ".join(problems))
    return filters


CSV_COLUMNS = (*COMPLAINT_COLUMNS, *ORDER_COLUMNS)


def complaints_csv(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """UTF-8 CSV with a BOM (Excel reads Chinese correctly), evidence as JSON, formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        row["evidence"] = json.dumps(row.get("evidence") or {}, ensure_ascii=False)
        writer.writerow([csv_cell(row.get(c)) for c in CSV_COLUMNS])
        yield buffer.getvalue()


def csv_export(state: ServiceState, who: Principal, filters: ComplaintFilters) -> StreamingResponse:
    """Stream every matching complaint as CSV and audit the export."""
    record_audit(state.engine, who, "complaints_export", filters.worker_id,
                 json.dumps({k: str(v) for k, v in vars(filters).items() if v}, ensure_ascii=False))
    rows = iter_complaints(state.tables, filters, state.settings.max_export_rows)
    return StreamingResponse(complaints_csv(rows), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="complaints.csv"'})


@router.get("/v1/complaints", tags=["complaints"], response_model=None)
def complaints(request: Request, who: QualityUser,
               filters: Annotated[ComplaintFilters, Depends(complaint_filters)],
               page: Annotated[int, Query(ge=1, le=100_000)] = 1,
               page_size: Annotated[int, Query(ge=1, le=500)] = 50,
               format: Literal["json", "csv"] = "json") -> dict[str, Any] | StreamingResponse:
    """Classified complaints, newest first, with filters and paging; `format=csv` exports every match."""
    state = get_state(request)
    if format == "csv":
        return csv_export(state, who, filters)
    total, items = list_complaints(state.tables, filters, page, page_size)
    return {"total": total, "page": page, "page_size": page_size,
            "pages": math.ceil(total / page_size), "items": items}


@router.get("/v1/workers", tags=["workers"])
def workers(request: Request, _: HrUser,
            day: Annotated[date | None, Query(alias="date")] = None,
            city: ShortText = None, service_type: ShortText = None,
            limit: Annotated[int, Query(ge=1, le=500)] = 100,
            offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    """Workers ranked by composite score for one scorecard day (default: the latest)."""
    return rank_workers(get_state(request).tables, day.isoformat() if day else None, city,
                        service_type, limit, offset)


@router.get("/v1/workers/{worker_id}/scorecard", tags=["workers"])
def scorecard(request: Request, who: HrUser, worker_id: Annotated[str, WORKER_ID],
              day: Annotated[date | None, Query(alias="date")] = None) -> dict[str, Any]:
    """One worker's scorecard, score history, training and incentive decisions (audited)."""
    state = get_state(request)
    card = worker_scorecard(state.tables, worker_id, day.isoformat() if day else None)
    record_audit(state.engine, who, "scorecard_read", worker_id,
                 "api" if card else "api: no scorecard found")
    if card is None:
        raise HTTPException(404, f"no scorecard for worker {worker_id}")
    return card


@router.get("/healthz", tags=["health"])
def healthz(request: Request) -> JSONResponse:
    """Liveness and readiness: database reachable; whether the model is loaded (it is not forced)."""
    state = get_state(request)
    try:
        with state.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        database = "ok"
    except sa.exc.SQLAlchemyError:
        database = "unreachable"
    body = {"status": "ok" if database == "ok" else "degraded", "database": database,
            "model_loaded": state.classifier.loaded}
    return JSONResponse(body, status_code=200 if database == "ok" else 503)
