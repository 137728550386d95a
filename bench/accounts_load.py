"""Accounts under load: the sign-in page, GET /api/v1/me with a token, and the token endpoint itself.

    .venv/bin/python bench/accounts_load.py [--seconds 10]

wrk on 127.0.0.1, bounded in time, at 1, 8 and 32 connections against gunicorn
(2 workers on this 2-core machine). Writes bench/results/accounts_load.json and
prints a Markdown table for bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.serve import api_token, rss_mb, running_app  # noqa: E402

LUA_POST = """
wrk.method = "POST"
wrk.body = '{"email": "bench@example.org", "password": "bench-password"}'
wrk.headers["Content-Type"] = "application/json"
"""


def wrk(url: str, connections: int, seconds: int, headers: dict | None = None, script: str | None = None) -> dict:
    cmd = ["wrk", "--latency", "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{seconds}s"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    if script:
        path = Path(tempfile.mkstemp(suffix=".lua")[1])
        path.write_text(script)
        cmd += ["-s", str(path)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", out))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": lat.get("50"), "p99": lat.get("99"), "non_2xx": int(errors.group(1)) if errors else 0}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    results = []
    with running_app(users=[("learner", "bench@example.org", "bench-password")]) as (base, server):
        token = api_token(base, "bench@example.org", "bench-password")
        cases = [
            ("GET /connexion (HTML)", base + "/connexion", {}, None),
            ("GET /api/v1/me (bearer)", base + "/api/v1/me", {"Authorization": f"Bearer {token}"}, None),
            ("POST /api/v1/auth/token (argon2id)", base + "/api/v1/auth/token", {}, LUA_POST),
        ]
        for name, url, headers, script in cases:
            for connections in (1, 8, 32):
                row = {"endpoint": name, "connections": connections, **wrk(url, connections, args.seconds, headers, script)}
                results.append(row)
                print(row, flush=True)
        memory = rss_mb(server.pid)
    out = Path(__file__).resolve().parent / "results" / "accounts_load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"results": results, "gunicorn_rss_mb": round(memory, 1)}, indent=2))
    print("\n| endpoint | conn | req/s | p50 | p99 | non-2xx |\n|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['endpoint']} | {r['connections']} | {r['rps']:.0f} | {r['p50']} | {r['p99']} | {r['non_2xx']} |")
    print(f"\ngunicorn master + 2 workers RSS: {memory:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
