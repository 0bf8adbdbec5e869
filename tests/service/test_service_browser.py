"""Headless Chromium drives the pages: filter the inbox, correct a label, open a scorecard.

Needs the Debian packages `chromium` and `chromium-driver` (the Makefile installs them where it can;
CHROMIUM_BIN / CHROMEDRIVER_BIN point elsewhere); skipped with the reason otherwise. Screenshots go
to var/screenshots/.
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.app import create_app
from service.auth import create_token
from service.db import audit_log, label_corrections
from service.settings import ServiceSettings

CHROMIUM = Path(os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=zh-CN")

pytestmark = pytest.mark.browser
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(f"headless browser tests need {CHROMIUM} and {CHROMEDRIVER} "
                "(apt-get install chromium chromium-driver)", allow_module_level=True)

from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as until
from selenium.webdriver.support.ui import Select, WebDriverWait


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def site(template_db, classifier, tmp_path_factory):
    """A real uvicorn server on loopback over a copy of the fixture warehouse, plus role tokens."""
    import uvicorn

    path = tmp_path_factory.mktemp("browser") / "warehouse.db"
    shutil.copy(template_db, path)
    app = create_app(ServiceSettings(warehouse_url=f"sqlite:///{path}", model_dir=str(path.parent)),
                     classifier=classifier)
    engine = app.state.service.engine
    tokens = {role: create_token(engine, f"browser-{role}", role) for role in ("quality", "hr")}
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{server.config.port}", tokens, engine
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def _login(driver, base: str, token: str, shot: str | None = None) -> None:
    driver.delete_all_cookies()
    driver.get(f"{base}/login")
    driver.find_element(By.ID, "token").send_keys(token)
    if shot:
        driver.save_screenshot(str(SCREENSHOTS / shot))
    driver.find_element(By.ID, "login-submit").click()
    _wait(driver, until.none_of(until.url_contains("/login")))


def _wait(driver, condition):
    """Clicks return before the next page loads; wait for what that page shows."""
    return WebDriverWait(driver, 20).until(condition)


def test_quality_user_filters_the_inbox(site, browser):
    base, tokens, _ = site
    _login(browser, base, tokens["quality"], shot="01_login.png")
    assert browser.current_url.endswith("/inbox")
    assert "共 4 条" in browser.find_element(By.ID, "result-count").text
    Select(browser.find_element(By.ID, "f-category")).select_by_value("logistics")
    browser.find_element(By.ID, "filter-submit").click()
    _wait(browser, until.url_contains("category=logistics"))
    assert "共 2 条" in browser.find_element(By.ID, "result-count").text
    marks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "td.text mark")]
    assert "迟到" in marks and "没人上门" in marks
    browser.save_screenshot(str(SCREENSHOTS / "02_inbox_filtered.png"))


def test_quality_user_corrects_a_label(site, browser):
    base, tokens, engine = site
    _login(browser, base, tokens["quality"])
    browser.get(f"{base}/inbox?worker_id=W0002")
    row = browser.find_element(By.CSS_SELECTOR, 'tr[data-feedback-id="complaint:K00000002"]')
    form = row.find_element(By.CSS_SELECTOR, "form.correct-form")
    Select(form.find_element(By.NAME, "category")).select_by_value("attitude")
    Select(form.find_element(By.NAME, "polarity")).select_by_value("-1")
    form.find_element(By.CSS_SELECTOR, "button").click()
    assert "已保存更正" in _wait(browser, until.presence_of_element_located((By.ID, "saved-notice"))).text
    assert "worker_id=W0002" in browser.current_url
    browser.save_screenshot(str(SCREENSHOTS / "03_label_corrected.png"))
    with engine.connect() as conn:
        rows = conn.execute(sa.select(label_corrections)).all()
    assert [(r.feedback_id, r.category, r.polarity, r.corrected_by) for r in rows] == [
        ("complaint:K00000002", "attitude", -1, "browser-quality")]


def test_hr_user_opens_a_scorecard(site, browser):
    base, tokens, engine = site
    _login(browser, base, tokens["hr"])
    assert browser.current_url.endswith("/workers")
    browser.save_screenshot(str(SCREENSHOTS / "04_workers.png"))
    links = browser.find_elements(By.CSS_SELECTOR, "a.worker-link")
    assert links[0].text.startswith("W0001")
    links[0].click()
    title = _wait(browser, until.presence_of_element_located((By.ID, "scorecard-title")))
    assert "W0001" in title.text
    assert len(browser.find_elements(By.CSS_SELECTOR, "figure.chart svg")) == 3
    browser.save_screenshot(str(SCREENSHOTS / "05_scorecard.png"))
    with engine.connect() as conn:
        reads = conn.execute(sa.select(audit_log.c.worker_id, audit_log.c.token_name)
                             .where(audit_log.c.action == "scorecard_read")).all()
    assert [tuple(r) for r in reads] == [("W0001", "browser-hr")]
