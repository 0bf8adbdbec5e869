"""Server-rendered pages: login, complaint inbox with label correction, worker ranking and scorecard."""
from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from nlp.taxonomy import CATEGORY_KEYS, load_taxonomy
from service import charts
from service.api import csv_export
from service.app import get_state
from service.auth import (
    AuthError,
    Principal,
    lookup_active,
    record_audit,
    require_role,
    verify_token,
)
from service.db import label_corrections
from service.page_filters import form_text, parse_filters
from service.queries import find_feedback, list_complaints
from service.safety import evidence_words, highlight, mask_text
from service.scorecards import rank_workers, worker_scorecard

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["highlight"] = lambda record: highlight(
    record["text"], evidence_words(record["evidence"]))


def chinese_name(key: str | None) -> str:
    """Chinese name of a category or sub-reason key; the key itself when it is not in the taxonomy."""
    taxonomy = load_taxonomy()
    return taxonomy.name_zh(key) if key and key in taxonomy else ("无投诉" if key == "none" else key or "")


def service_names(keys: str | None) -> str:
    """'cleaning;nanny' -> '保洁 育儿嫂' (unknown keys are shown as they are)."""
    return " ".join(SERVICE_TYPES.get(k, k) for k in (keys or "").split(";") if k)


templates.env.globals["zh"] = chinese_name
templates.env.filters["services"] = service_names
SESSION_COOKIE = "fb_session"
SERVICE_TYPES = {"cleaning": "保洁", "nanny": "育儿嫂", "maternity": "月嫂", "eldercare": "护老",
                 "appliance": "家电清洗"}
POLARITIES = {"-1": "投诉", "0": "中性", "1": "表扬"}
LANDING = {"quality": "/inbox", "hr": "/workers", "admin": "/inbox"}


def page_principal(request: Request) -> Principal:
    """The signed-in user of a page, from the session cookie; 401 (-> login page) otherwise."""
    state = get_state(request)
    cookie = request.cookies.get(SESSION_COOKIE, "")
    token_id = state.signer.token_id_of(cookie) if cookie else None
    row = lookup_active(state.engine, token_id) if token_id else None
    if row is None:
        raise AuthError(401, "please sign in")
    return Principal(row.token_id, row.name, row.role)


def quality_page(p: Annotated[Principal, Depends(page_principal)]) -> Principal:
    return require_role(p, "quality")


def hr_page(p: Annotated[Principal, Depends(page_principal)]) -> Principal:
    return require_role(p, "hr")


QualityPageUser = Annotated[Principal, Depends(quality_page)]
HrPageUser = Annotated[Principal, Depends(hr_page)]


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    cookie = request.cookies.get(SESSION_COOKIE, "")
    context.setdefault("csrf", get_state(request).signer.csrf_token(cookie) if cookie else "")
    context.setdefault("taxonomy", load_taxonomy())
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def auth_error_page(request: Request, exc: AuthError) -> Response:
    """401 on a page -> the login form (coming back afterwards); 403 -> an explanation."""
    if exc.status_code == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
    return render(request, "error.html", 403, title="无权访问", message=exc.message, user=None)


def _safe_next(target: str | None, role: str) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return LANDING[role]


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    try:
        return RedirectResponse(LANDING[page_principal(request).role], status_code=303)
    except AuthError:
        return RedirectResponse("/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "") -> HTMLResponse:
    return render(request, "login.html", next=next[:500], error=None, user=None)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    token, target = str(form.get("token", ""))[:200], str(form.get("next", ""))[:500]
    state = get_state(request)
    try:
        who = verify_token(state.engine, token)
    except AuthError:
        return render(request, "login.html", 401, next=target, error="令牌无效或已被撤销。", user=None)
    record_audit(state.engine, who, "login")
    response = RedirectResponse(_safe_next(target, who.role), status_code=303)
    response.set_cookie(SESSION_COOKIE, state.signer.issue(who.token_id), httponly=True,
                        samesite="lax", secure=state.settings.secure_cookies,
                        max_age=int(state.settings.session_hours * 3600))
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _latest_corrections(request: Request, feedback_ids: list[str]) -> dict[str, Any]:
    if not feedback_ids:
        return {}
    t = label_corrections
    query = sa.select(t).where(t.c.feedback_id.in_(feedback_ids)).order_by(t.c.corrected_at)
    with get_state(request).engine.connect() as conn:
        return {row.feedback_id: row for row in conn.execute(query)}


@router.get("/inbox", response_class=HTMLResponse)
def inbox(request: Request, who: QualityPageUser) -> HTMLResponse:
    filters, errors = parse_filters(request.query_params)
    raw_page = request.query_params.get("page", "1")
    page = min(int(raw_page), 100_000) if raw_page.isdigit() and int(raw_page) > 0 else 1
    page_size = 25
    total, items = list_complaints(get_state(request).tables, filters, page, page_size)
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "saved") and v]
    return render(request, "inbox.html", user=who, items=items, total=total, page=page,
                  pages=max(1, math.ceil(total / page_size)), filters=filters, errors=errors,
                  query=urlencode(kept), service_types=SERVICE_TYPES, polarities=POLARITIES,
                  corrections=_latest_corrections(request, [i["feedback_id"] for i in items]),
                  saved=request.query_params.get("saved"))


@router.get("/inbox.csv")
def inbox_csv(request: Request, who: QualityPageUser) -> Response:
    filters, _ = parse_filters(request.query_params)
    return csv_export(get_state(request), who, filters)


@router.post("/inbox/correct")
async def correct_label(request: Request, who: QualityPageUser) -> Response:
    """Store a corrected label (a training label for the next `feedback train`) and go back."""
    state = get_state(request)
    form = await request.form()
    if not state.signer.check_csrf(request.cookies.get(SESSION_COOKIE, ""), str(form.get("csrf", ""))):
        return render(request, "error.html", 403, user=who, title="表单已过期", message="请刷新页面后重试。")
    feedback_id = str(form.get("feedback_id", ""))[:160]
    category, polarity = str(form.get("category", "")), str(form.get("polarity", ""))
    if category not in (*CATEGORY_KEYS, "none") or polarity not in POLARITIES:
        return render(request, "error.html", 400, user=who, title="无效的标注",
                      message="类别须为 attitude/skill/logistics/none，极性须为 -1/0/1。")
    record = find_feedback(state.tables, feedback_id)
    if record is None:
        return render(request, "error.html", 404, user=who, title="找不到该反馈", message=feedback_id)
    with state.engine.begin() as conn:
        conn.execute(label_corrections.insert().values(
            feedback_id=feedback_id, text=mask_text(record["text"]), category=category,
            polarity=0 if category == "none" else int(polarity), corrected_by=who.name,
            corrected_at=datetime.now().replace(microsecond=0)))
    record_audit(state.engine, who, "label_correction", record.get("worker_id"),
                 f"{feedback_id} -> {category} {polarity}")
    back = str(form.get("return_query", ""))[:2000]
    return RedirectResponse(f"/inbox?{back}&saved=1" if back else "/inbox?saved=1", status_code=303)


@router.get("/workers", response_class=HTMLResponse)
def workers_page(request: Request, who: HrPageUser) -> HTMLResponse:
    city = form_text(request.query_params, "city")
    service_type = form_text(request.query_params, "service_type")
    ranking = rank_workers(get_state(request).tables, None, city, service_type, 500, 0)
    return render(request, "workers.html", user=who, ranking=ranking, city=city or "",
                  service_type=service_type or "", service_types=SERVICE_TYPES)


def scorecard_charts(card: dict[str, Any]) -> dict[str, charts.Chart]:
    """Composite history, category scores and daily complaint mentions as chart geometry."""
    sc = card["scorecard"]
    daily = card["daily"]
    names = {k: load_taxonomy().name_zh(k) for k in CATEGORY_KEYS}
    return {
        "history": charts.line_chart([(h["partition_date"], h["composite"]) for h in card["history"]],
                                     0, 100),
        "scores": charts.bar_chart([(names.get(k, "满意度"), sc.get(f"score_{k}"))
                                    for k in (*CATEGORY_KEYS, "satisfaction")]),
        "daily": charts.stacked_bars(
            [d["partition_date"] for d in daily],
            [(names[k], [float(d.get(f"{k}_mentions") or 0) for d in daily]) for k in CATEGORY_KEYS]),
    }


@router.get("/workers/{worker_id}", response_class=HTMLResponse)
def scorecard_page(request: Request, worker_id: str, who: HrPageUser) -> HTMLResponse:
    state = get_state(request)
    worker_id = worker_id[:64]
    card = worker_scorecard(state.tables, worker_id)
    record_audit(state.engine, who, "scorecard_read", worker_id,
                 "page" if card else "page: no scorecard found")
    if card is None:
        return render(request, "error.html", 404, user=who, title="没有评分卡",
                      message=f"工人 {worker_id} 没有评分卡。")
    return render(request, "scorecard.html", user=who, card=card, sc=card["scorecard"],
                  charts=scorecard_charts(card))
