"""Random 1 MiB byte ranges of one 256 MiB video, served three ways on 127.0.0.1.

    .venv/bin/python bench/range_throughput.py [--seconds 10] [--rounds 2] [--mib 256]
                                               [--workers 4] [--threads 4]

1. app: gunicorn (gthread, --workers 4 --threads 4 by default) at
   /media/videos/<id>/stream.mp4 with a bearer token (each request checks the
   token, loads the video and its permission, then gunicorn sends the range with sendfile);
2. app-signed: the same gunicorn at the signed stream_url that GET /api/v1/videos/<id>
   gives (no token, no session, no SQL: the signature is checked and the file stat'ed);
3. nginx: a private nginx (2 workers, sendfile on, access log off) serving the same file statically;
4. accel: that nginx in front of a second gunicorn with LMS_MEDIA_ACCEL=nginx and
   LMS_PROXY_COUNT=1: the app answers X-Accel-Redirect under /_media/ and nginx
   sends the bytes from the media root (the location of README's nginx section);
5. accel-signed: as accel, at the signed URL;
6. accel-securelink: the accel gunicorn also has LMS_MEDIA_SECURE_LINK_SECRET, so GET
   /api/v1/videos/<id> (through nginx) gives an nginx secure link (/_media_signed/...), which
   nginx checks and serves alone with README's secure_link location: gunicorn never sees a range.

Client: wrk, 2 threads, 16 connections, a Lua script asking ``Range: bytes=a-(a+1MiB-1)``
at a random ``a`` per request. Each case is checked first (206, Content-Range, the right
bytes). The cases are interleaved over ``--rounds`` rounds; the file is in the page cache.
Writes bench/results/range_throughput.json and prints a Markdown table.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from statistics import mean

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.nginx import running_nginx  # noqa: E402
from bench.serve import api_token, app_instance, cpu_seconds, exit_on_sigterm, gunicorn  # noqa: E402
from tests.media.nginx_runner import secure_link_location  # noqa: E402  (README's block)

MIB = 1024 * 1024
EMAIL, PASSWORD = "trainer@bench.example.org", "bench-password"
CONNECTIONS = 16
SECURE_LINK_SECRET = "bench-secure-link-secret-0123456789"

SEED_VIDEO = """
from lms.auth.models import User
from lms.videos.models import READY, Video
from lms.core import storage
from lms.core.db import commit
from lms.extensions import db
from sqlalchemy import select

owner = db.session.scalar(select(User).where(User.email == {email!r}))
key, path = storage.new_path("streams", ".mp4")
video = Video(title="bench ranges", owner_id=owner.id, status=READY, stream_key=key, stream_size={size})
db.session.add(video)
db.session.flush()
video_id = video.id
commit()
print(video_id, key, path)
"""

LUA = """
local size, span, path, auth = {size}, {span}, {path!r}, {auth!r}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function init(args)
  math.randomseed(os.time() * 1000 + tid * 7919)
  for _ = 1, 10 do math.random() end
end
function request()
  local a = math.random(0, size - span)
  local headers = {{["Range"] = "bytes=" .. a .. "-" .. (a + span - 1)}}
  if auth ~= "" then headers["Authorization"] = auth end
  return wrk.format("GET", path, headers)
end
"""

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}
SIZES = {"B": 1 / MIB, "KB": 1 / 1024, "MB": 1.0, "GB": 1024.0}


def ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * UNITS[unit]


def write_file(path: Path, size: int) -> None:
    block = os.urandom(MIB)
    with open(path, "wb") as out:
        while out.tell() < size:
            out.write(block[: min(MIB, size - out.tell())])


def check(url: str, source: Path, headers: dict) -> dict:
    """One ranged GET: 206, Content-Range and the very bytes of the file; returns the answer's headers."""
    start = 12345 * 1024 + 7
    request = urllib.request.Request(url, headers={**headers, "Range": f"bytes={start}-{start + MIB - 1}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        assert response.status == 206, response.status
        assert response.headers["Content-Range"] == f"bytes {start}-{start + MIB - 1}/{source.stat().st_size}", \
            response.headers["Content-Range"]
    with open(source, "rb") as stream:
        stream.seek(start)
        assert body == stream.read(MIB), "bytes differ"
    return {name: response.headers[name] for name in ("Content-Type", "Cache-Control", "ETag", "Last-Modified", "Server")
            if response.headers[name]}


def wrk(url: str, seconds: int, size: int, span: int, servers: list[int], auth: str = "") -> dict:
    """wrk on ``url``; the CPU time the ``servers`` (and their children) used during the run, per request."""
    path = "/" + url.split("/", 3)[3]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.format(size=size, span=span, path=path, auth=auth))
    cpu_before = cpu_seconds(servers)
    try:
        done = subprocess.run(["wrk", "--latency", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s",
                               "--timeout", "10s", "-s", script.name, url],
                              capture_output=True, text=True, check=True, timeout=seconds + 30)
    finally:
        os.unlink(script.name)
    cpu = cpu_seconds(servers) - cpu_before
    out = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    transfer, unit = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", out).groups()
    lat = dict(re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "body_mib_s": round(rps * span / MIB, 1), "wire_mib_s": round(float(transfer) * SIZES[unit], 1),
            "p50_ms": ms(lat["50"]), "p99_ms": ms(lat["99"]), "requests": requests,
            "server_cpu_s": round(cpu, 2), "server_cpu_ms_per_request": round(cpu * 1000 / max(requests, 1), 2),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0, "socket_errors": errors.group(1) if errors else "",
            "loadavg": Path("/proc/loadavg").read_text().strip()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--span-kib", type=int, default=1024, help="length of each range")
    parser.add_argument("--tag", default="", help="results go to range_throughput[_TAG].json")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    exit_on_sigterm()
    worker_args = ["--worker-class", args.worker_class, "--threads", str(args.threads), "--timeout", "60"]
    settings = {"gunicorn": f"{args.worker_class} --workers {args.workers}"
                            + (f" --threads {args.threads}" if args.worker_class == "gthread" else ""),
                "nginx": "2 workers, sendfile on, tcp_nopush on, access_log off",
                "wrk": f"2 threads, {CONNECTIONS} connections, {args.seconds} s per run, random {args.span_kib} KiB ranges",
                "file_mib": args.mib, "span_kib": args.span_kib,
                "database": os.environ.get("LMS_DATABASE_URL", "sqlite").split(":")[0], "rounds": args.rounds, "cpus": os.cpu_count()}
    print(settings, flush=True)
    runs: dict[str, list[dict]] = {"app": [], "app-signed": [], "nginx": [], "accel": [], "accel-signed": [], "accel-securelink": []}
    with app_instance(workers=args.workers, users=[("trainer", EMAIL, PASSWORD)], gunicorn_args=worker_args) as app:
        video_id, key, file_path = app.python(SEED_VIDEO.format(email=EMAIL, size=args.mib * MIB)).splitlines()[-1].split()
        source = Path(file_path)
        write_file(source, args.mib * MIB)
        subprocess.run(["cat", str(source)], stdout=subprocess.DEVNULL, check=True)  # into the page cache
        size = source.stat().st_size
        token = api_token(app.base, EMAIL, PASSWORD)
        auth = f"Bearer {token}"
        state = json.load(urllib.request.urlopen(urllib.request.Request(
            f"{app.base}/api/v1/videos/{video_id}", headers={"Authorization": auth}), timeout=10))
        signed = state["stream_url"]
        assert "s=" in signed, signed
        accel_env = {**app.env, "LMS_MEDIA_ACCEL": "nginx", "LMS_PROXY_COUNT": "1",
                     "LMS_MEDIA_SECURE_LINK_SECRET": SECURE_LINK_SECRET}  # accel(-signed) use /media/ URLs: unchanged
        with gunicorn(accel_env, workers=args.workers, gunicorn_args=worker_args) as (accel_base, accel_server):
            locations = f"""
        location /file/ {{ alias {app.media_root}/; }}
        location /_media/ {{ internal; alias {app.media_root}/; }}
{secure_link_location(app.media_root, SECURE_LINK_SECRET)}
        location / {{
            proxy_pass http://lms_app;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_read_timeout 300s;
        }}"""
            # As in README's nginx section: kept-alive connections to gunicorn, not one per request.
            upstream = f"upstream lms_app {{ server {accel_base.removeprefix('http://')}; keepalive 32; }}"
            with running_nginx(locations, http_extra=upstream) as (nginx_base, nginx):
                media = f"/media/videos/{video_id}/stream.mp4"
                link = json.load(urllib.request.urlopen(urllib.request.Request(
                    f"{nginx_base}/api/v1/videos/{video_id}", headers={"Authorization": auth}), timeout=10))["stream_url"]
                assert link.startswith("/_media_signed/"), link
                urls = {"app": (app.base + media, auth, [app.server.pid]),
                        "app-signed": (app.base + signed, "", [app.server.pid]),
                        "nginx": (f"{nginx_base}/file/{key}", "", [nginx.pid]),
                        "accel": (nginx_base + media, auth, [nginx.pid, accel_server.pid]),
                        "accel-signed": (nginx_base + signed, "", [nginx.pid, accel_server.pid]),
                        "accel-securelink": (nginx_base + link, "", [nginx.pid, accel_server.pid])}
                answers = {name: check(url, source, {"Authorization": header} if header else {})
                           for name, (url, header, _) in urls.items()}
                print(answers, flush=True)
                for round_ in range(args.rounds):
                    for name, (url, header, servers) in urls.items():
                        row = wrk(url, args.seconds, size, args.span_kib * 1024, servers, header)
                        runs[name].append(row)
                        print(f"round {round_ + 1} {name}: {row}", flush=True)
    summary = {}
    for name, rows in runs.items():
        summary[name] = {"rps": round(mean(r["rps"] for r in rows), 1), "mib_s": round(mean(r["body_mib_s"] for r in rows), 1),
                         "p50_ms": round(mean(r["p50_ms"] for r in rows), 1), "p99_ms": round(mean(r["p99_ms"] for r in rows), 1),
                         "cpu_ms_per_request": round(mean(r["server_cpu_ms_per_request"] for r in rows), 2),
                         "non_2xx": sum(r["non_2xx"] for r in rows)}
    ratios = {f"{name}/nginx": round(summary[name]["rps"] / summary["nginx"]["rps"], 2)
              for name in summary if name != "nginx"}
    verdict = {"app >= 0.5x nginx": ratios["app/nginx"] >= 0.5, "app-signed >= 0.5x nginx": ratios["app-signed/nginx"] >= 0.5,
               "accel ~ nginx (>= 0.8x)": ratios["accel/nginx"] >= 0.8,
               "accel-signed ~ nginx (>= 0.8x)": ratios["accel-signed/nginx"] >= 0.8,
               "accel-securelink ~ nginx (>= 0.8x)": ratios["accel-securelink/nginx"] >= 0.8}
    name = "range_throughput" + (f"_{args.tag}" if args.tag else "")
    out = Path(__file__).resolve().parent / "results" / f"{name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"when": time.strftime("%Y-%m-%d %H:%M:%S"), "settings": settings, "headers": answers, "runs": runs,
                               "summary": summary, "ratios": ratios, "verdict": verdict}, indent=2))
    print("\n| served by | req/s | MiB/s (bodies) | p50 | p99 | server CPU per request | non-2xx |\n"
          "|---|---|---|---|---|---|---|")
    for name, row in summary.items():
        print(f"| {name} | {row['rps']:.0f} | {row['mib_s']:.0f} | {row['p50_ms']} ms | {row['p99_ms']} ms | "
              f"{row['cpu_ms_per_request']} ms | {row['non_2xx']} |")
    print(f"\nratios: {ratios}; targets: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
