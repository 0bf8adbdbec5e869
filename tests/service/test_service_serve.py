"""`feedback serve` starts uvicorn on loopback with the settings from the environment."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_feedback_serve_answers_on_loopback_and_hints_at_tokens(tmp_path):
    port = _free_port()
    env = {**os.environ, "FEEDBACK_WAREHOUSE_URL": f"sqlite:///{tmp_path}/warehouse.db",
           "FEEDBACK_MODEL_DIR": str(tmp_path / "no-model"), "FEEDBACK_LOAD_MODEL_AT_STARTUP": "0"}
    server = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--port", str(port)],
                              env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline, health = time.monotonic() + 60, None
        while time.monotonic() < deadline and health is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json()
            except httpx.HTTPError:
                time.sleep(0.2)
        assert health == {"status": "ok", "database": "ok", "model_loaded": False}
        assert httpx.get(f"http://127.0.0.1:{port}/v1/workers").status_code == 401
    finally:
        server.terminate()
        stderr = server.communicate(timeout=30)[1]
    assert "no API tokens yet" in stderr
