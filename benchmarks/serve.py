"""`fto serve` latency over real HTTP on this machine: a cold ask and warm what-ifs.

    python benchmarks/serve.py [--servers 3] [--iterations 60]

For each of `--servers` fresh servers (`fto serve --workers 1` on a free local port, waited
for until its solver process has loaded the engine), the first request is `POST /api/ask`
for the bundled example (examples/sinaloa.yaml, designated(sinaloa)): the cold ask, with
nothing solved before it. Then one what-if makes the warm session (its set-up is printed
apart), and `--iterations` what-ifs follow on it, alternating between two changes that only
turn facts on (organizations.sinaloa.engages_in_terrorism, .engages_in_terrorist_activity), each
returning the whole `fto whatif --json` object. Times are wall-clock at the client, over
one kept-alive connection. The last line is `serve cold_ask_ms=… session_setup_ms=… whatif_p50_ms=…
whatif_p90_ms=… whatif_p95_ms=…` (medians over the servers for the cold ask and the set-up; the
what-ifs of all servers pooled), with the machine's load average beside it: on a shared machine
the wall-clock figures move with it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "designated(sinaloa)"
CHANGES = [{"organizations.sinaloa.engages_in_terrorism": True}, {"organizations.sinaloa.engages_in_terrorist_activity": True}]
"""Facts the base grounding already has as unknowns: a change of either is re-solved, not re-grounded
(a stated `foreign: false` adds the domestic/1 fact, and so a grounding)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post(conn: http.client.HTTPConnection, path: str, body: dict[str, Any]) -> tuple[float, dict[str, Any], str]:
    data = json.dumps(body).encode()
    start = time.perf_counter()
    conn.request("POST", path, data, {"content-type": "application/json"})
    response = conn.getresponse()
    payload = response.read()
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise SystemExit(f"error: {path} answered {response.status}: {payload.decode(errors='replace')}")
    return elapsed, json.loads(payload), response.getheader("x-fto-session") or ""


def one_server(text: str, iterations: int) -> tuple[float, float, list[float]]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", "--port", str(port), "--workers", "1"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                conn.request("GET", "/api/health")
                if conn.getresponse().read() and conn.sock is not None:
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("error: fto serve did not start") from None
                time.sleep(0.1)
        cold, answer, _ = _post(conn, "/api/ask", {"scenario": text, "question": QUESTION})
        assert answer["answer"] == "yes", answer
        setup, result, session = _post(conn, "/api/whatif", {"scenario": text, "question": QUESTION, "set": CHANGES[0]})
        assert session == "new" and not result["regrounded"], (session, result["regrounded"])
        warm = []
        for i in range(iterations):
            elapsed, result, session = _post(conn, "/api/whatif", {"scenario": text, "question": QUESTION,
                                                                    "set": CHANGES[i % len(CHANGES)]})
            assert session == "warm" and not result["regrounded"]
            warm.append(elapsed)
        conn.close()
        return cold, setup, warm
    finally:
        server.terminate()
        server.wait(30)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="fto serve latency")
    ap.add_argument("--servers", type=int, default=3)
    ap.add_argument("--iterations", type=int, default=60)
    args = ap.parse_args(argv)
    text = (ROOT / "examples" / "sinaloa.yaml").read_text(encoding="utf-8")
    colds, setups, warm = [], [], []
    for i in range(args.servers):
        cold, setup, times = one_server(text, args.iterations)
        colds.append(cold)
        setups.append(setup)
        warm += times
        print(f"server {i + 1}: cold ask {cold * 1000:.1f} ms; session set-up (first what-if) {setup * 1000:.1f} ms; "
              f"warm what-if p50 {statistics.median(times) * 1000:.1f} ms", flush=True)
    warm.sort()
    p90, p95 = (warm[min(len(warm) - 1, int(q * len(warm)))] for q in (0.90, 0.95))
    print(f"serve cold_ask_ms={statistics.median(colds) * 1000:.1f} session_setup_ms={statistics.median(setups) * 1000:.1f} "
          f"whatif_p50_ms={statistics.median(warm) * 1000:.1f} whatif_p90_ms={p90 * 1000:.1f} "
          f"whatif_p95_ms={p95 * 1000:.1f} load_average={os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
