"""Bounded loopback load test of POST /v1/classify: requests/s and p50/p95 latency, batches of 1 and 100.

    .venv/bin/python -m bench.load_classify                      # trained model in FEEDBACK_MODEL_DIR
    .venv/bin/python -m bench.load_classify --classifier rules   # keyword baseline, no model needed

The server runs in a child process (uvicorn, one worker, as `feedback serve` does) over a throw-away
SQLite warehouse with one quality token; the client sends a fixed number of requests per batch size
from a few keep-alive connections and stops early at --max-seconds. Prints one table row per batch size.
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

# Fictional customer sentences; mixed so that every aspect and praise occur.
SENTENCES = (
    "阿姨迟到了一个小时，也没提前说", "打扫得很干净，厨房油烟机擦得发亮", "态度很差，说她两句就甩脸色",
    "做饭太咸了，孩子不爱吃", "准时到达，干活麻利，下次还约她", "干活的时候一直在玩手机",
    "打碎了一个花瓶，也没有主动说", "带的工具不全，拖把都没带", "月嫂很专业，宝宝被照顾得很好",
    "临时改了三次时间，很不方便", "护工给老人翻身很细心，家里人都放心", "空调清洗完还是有异味",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_child(args: argparse.Namespace) -> int:
    """Child process: the service with the chosen classifier, loaded before the first request."""
    import uvicorn

    from service.app import create_app
    from service.settings import ServiceSettings

    if args.classifier == "rules":
        from nlp.rules import RuleClassifier
        classifier = RuleClassifier()
    else:
        from nlp.classify import load_classifier
        classifier = load_classifier(args.model_dir)
    settings = ServiceSettings(warehouse_url=args.warehouse_url, model_dir=str(args.model_dir))
    uvicorn.run(create_app(settings, classifier=classifier), host="127.0.0.1", port=args.port,
                log_level="warning", access_log=False)
    return 0


def _start_server(args: argparse.Namespace, workdir: Path) -> tuple[subprocess.Popen, str, str]:
    from service.auth import create_token
    from service.db import open_warehouse

    url = f"sqlite:///{workdir / 'warehouse.db'}"
    warehouse = open_warehouse(url)
    token = create_token(warehouse.engine, "bench", "quality")
    warehouse.dispose()
    port = _free_port()
    command = [sys.executable, "-m", "bench.load_classify", "--child", "--port", str(port),
               "--warehouse-url", url, "--classifier", args.classifier, "--model-dir", str(args.model_dir)]
    process = subprocess.Popen(command, env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode} (no model? try --classifier rules)")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base, token
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("server did not start within 120 s")


def _batches(batch: int, count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    return [[rng.choice(SENTENCES) + rng.choice(("", "！", "。下次注意。", "，谢谢")) for _ in range(batch)]
            for _ in range(count)]


def run_scenario(base: str, token: str, batch: int, requests: int, concurrency: int,
                 max_seconds: float) -> dict:
    """Send `requests` requests of `batch` texts from `concurrency` connections; latencies in ms."""
    payloads = _batches(batch, requests, seed=batch)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + max_seconds
    headers = {"Authorization": f"Bearer {token}"}

    def worker(share: list[list[str]]) -> None:
        nonlocal errors
        with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
            for texts in share:
                if time.monotonic() > stop_at:
                    return
                started = time.perf_counter()
                ok = client.post("/v1/classify", json={"texts": texts}).status_code == 200
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    errors += 0 if ok else 1

    shares = [payloads[i::concurrency] for i in range(concurrency)]
    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, shares))
    wall = time.perf_counter() - began
    done = len(latencies)
    cuts = statistics.quantiles(latencies, n=100) if done > 1 else latencies * 99
    return {"batch": batch, "requests": done, "concurrency": concurrency, "errors": errors,
            "seconds": wall, "rps": done / wall, "texts_per_s": done * batch / wall,
            "p50": statistics.median(latencies), "p95": cuts[94]}


def print_table(rows: list[dict], classifier: str) -> None:
    print(f"\nPOST /v1/classify on loopback, classifier={classifier}, cpus={os.cpu_count()}")
    print("| batch | requests | concurrency | errors | seconds | requests/s | texts/s | p50 ms | p95 ms |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['batch']} | {r['requests']} | {r['concurrency']} | {r['errors']} | {r['seconds']:.1f} "
              f"| {r['rps']:.1f} | {r['texts_per_s']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} |")


def main(argv: list[str] | None = None) -> int:
    from storage.config import default_model_dir

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--classifier", choices=("model", "rules"), default="model")
    parser.add_argument("--model-dir", type=Path, default=default_model_dir())
    parser.add_argument("--requests-batch1", type=int, default=300)
    parser.add_argument("--requests-batch100", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=60.0, help="per batch size")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--warehouse-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return serve_child(args)
    with tempfile.TemporaryDirectory(prefix="load_classify_") as workdir:
        process, base, token = _start_server(args, Path(workdir))
        try:
            run_scenario(base, token, 1, 5, 1, 30)  # warm-up: first-call costs are not measured
            rows = [run_scenario(base, token, batch, count, args.concurrency, args.max_seconds)
                    for batch, count in ((1, args.requests_batch1), (100, args.requests_batch100))]
        finally:
            process.terminate()
            process.wait(timeout=30)
    print_table(rows, args.classifier)
    return 0 if all(r["errors"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
