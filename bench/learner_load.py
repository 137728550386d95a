"""Simulated learners: progress beacons, quiz answers and the course page on gunicorn + a private PostgreSQL.

    .venv/bin/python bench/learner_load.py [--seconds 8] [--learners 64] [--configs sync2,sync4,gthread2x1]
                                           [--connections 1,8,32] [--endpoints beacon,quiz,course_html,course_api]
                                           [--pg-socket] [--pg synchronous_commit=off]
                                           [--out bench/results/learner_load.json] [--profile N]

What it does, all on 127.0.0.1 and stopped at exit:

1. a private PostgreSQL (bench/postgres.py: its defaults, fsync and synchronous_commit on, as production;
   ``--pg NAME=VALUE`` adds a setting), migrated; the sample course (courses/sensibilisation-sante-mentale)
   imported and published with ``flask import-course`` (films rendered small: 320x180, 5 fps);
2. ``--learners`` learners created in-process through the services, each with an API token (issued by
   ``issue_api_token``, not the argon2-bound endpoint) and a session cookie (signed in once through the
   form with the Flask test client, then one page opened, as a browser would, so that the session holds its
   CSRF token and the course page does not set a new cookie on each request);
3. a private nginx serving a 1 KiB static file (the ceiling), measured at 32 connections next to each
   gunicorn configuration, and the same gunicorn configuration serving bench/bare_flask.py (one JSON POST
   route, no database: what HTTP + Flask alone cost, the framework ceiling);
4. for each gunicorn configuration, each learner's request of each endpoint sent once (warm-up: the first
   beacon or answer of a learner creates their row, a worker's first page fills its caches), then for
   each endpoint and 1, 8 and 32 connections, wrk for ``--seconds`` with
   bench/lua/rotate.lua, which rotates over one pre-built request per learner:
   - beacon: POST /api/v1/items/<video>/progress ``{position_s, watched: [[s, s+10]]}`` (bearer); each
     learner resends a 10 s segment near the start of one of the six videos (repeated coverage is free in
     the beacon budget, so every request is accepted and does the full write);
   - quiz: POST /api/v1/quizzes/<id>/attempts ``{answers}`` (bearer) on one of the six unlimited quizzes;
   - course HTML: GET /formations/<id> with the learner's session cookie;
   - course API: GET /api/v1/courses/<id> (bearer);
5. the RSS of each gunicorn worker sampled every 0.2 s (max kept), the server CPU (gunicorn and
   PostgreSQL) per request, and the load average around each run.

Writes ``--out`` (JSON) and prints a Markdown table for bench/RESULTS.md. wrk runs on the same 2 cores as
the server (2 threads at 8 and 32 connections, 1 at 1; ``--wrk-threads 1``: one thread at every count).
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
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.nginx import running_nginx  # noqa: E402
from bench.postgres import private_postgresql  # noqa: E402
from bench.serve import (  # noqa: E402
    BIN,
    ROOT,
    children,
    cpu_seconds,
    exit_on_sigterm,
    gunicorn,
    process_rss_kb,
    run,
)

LUA = Path(__file__).resolve().parent / "lua" / "rotate.lua"
SAMPLE = ROOT / "courses" / "sensibilisation-sante-mentale"
USER_AGENT = "lms-bench-learner"
PASSWORD = "bench-password-1234"
COORDINATOR = "coordination@bench.example.org"

# name -> gunicorn arguments (2 cores: 2 to 4 sync workers, or gthread workers). The app always runs with
# the production settings of the README (lms/gunicorn_conf.py: preloaded, GC-frozen master); the bare-Flask
# ceiling runs with the same workers and threads.
PRODUCTION = ["--config", "python:lms.gunicorn_conf"]
CONFIGS = {
    "sync2": (2, []),
    "sync3": (3, []),
    "sync4": (4, []),
    "gthread2x1": (2, ["--worker-class", "gthread", "--threads", "1"]),
    "gthread2x4": (2, ["--worker-class", "gthread", "--threads", "4"]),
}
ENDPOINTS = ("beacon", "quiz", "course_html", "course_api")
LABELS = {
    "beacon": "POST /api/v1/items/<id>/progress",
    "quiz": "POST /api/v1/quizzes/<id>/attempts",
    "course_html": "GET /formations/<id> (HTML, cookie)",
    "course_api": "GET /api/v1/courses/<id> (bearer)",
    "nginx": "nginx static 1 KiB (ceiling)",
    "bare_flask": "bare Flask JSON POST, no DB (framework ceiling)",
}

# Run in a fresh process with the app's environment: learners, tokens, session cookies and the ids of the course.
SETUP = r'''
import json, re, sys
from sqlalchemy import select
from lms import create_app
from lms.auth import services
from lms.authoring.models import VIDEO, Course, Item, Module, Quiz
from lms.core.db import commit
from lms.extensions import db

app = create_app()
app.config["ARGON2_PROFILE"] = "fast"  # setup only (hash at creation, verify at sign-in); the load never hashes
n, password, slug, agent = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
learners = []
with app.app_context():
    course = db.session.scalars(select(Course).where(Course.slug == slug)).one()
    videos = db.session.scalars(select(Item.id).join(Module).where(Module.course_id == course.id, Item.kind == VIDEO)
                                .order_by(Module.position, Item.position)).all()
    quizzes = []
    for quiz in db.session.scalars(select(Quiz).join(Item).join(Module).where(
            Module.course_id == course.id, Quiz.max_attempts.is_(None)).order_by(Module.position)):
        # the first choice of each question: some right, some wrong, as learners answer
        quizzes.append({"id": quiz.id, "answers": {str(q.id): [q.choices[0].id] for q in quiz.questions}})
    for i in range(n):
        email = f"learner{i:03d}@bench.example.org"
        user = services.create_user(None, email=email, full_name=f"Apprenant {i}", role="learner", password=password)
        raw, _ = services.issue_api_token(user)
        learners.append({"email": email, "token": raw})
    commit()
    course_id = course.id
for learner in learners:
    client = app.test_client()
    headers = {"User-Agent": agent}
    page = client.get("/connexion", headers=headers)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    done = client.post("/connexion", headers=headers,
                       data={"email": learner["email"], "password": password, "csrf_token": csrf})
    assert done.status_code == 302, (done.status_code, done.get_data(as_text=True)[:500])
    # one page first, as a browser does after signing in: its session then holds the CSRF token of the
    # layout's forms (the cookie straight from the sign-in lacks it, and every request would make a new one)
    assert client.get("/formations", headers=headers).status_code == 200
    learner["cookie"] = client.get_cookie("session").value
print("SETUP-JSON " + json.dumps({"course_id": course_id, "videos": videos, "quizzes": quizzes, "learners": learners}))
'''

# Run in a fresh process with the app's environment: each endpoint's requests through the Flask test client
# (no gunicorn, no socket), timed, then again under cProfile; SQL statements counted and timed per request.
PROFILE = r'''
import collections, cProfile, io, json, pstats, sys, time
from sqlalchemy import event
from lms import create_app
from lms.extensions import db

app = create_app()
lines, n, top = json.load(open(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3])
with app.app_context():
    engine = db.engine
sql = {"count": 0, "seconds": 0.0, "kinds": collections.Counter()}

@event.listens_for(engine, "before_cursor_execute")
def _before(conn, cursor, statement, parameters, context, executemany):
    conn.info["lms_t0"] = time.perf_counter()

@event.listens_for(engine, "after_cursor_execute")
def _after(conn, cursor, statement, parameters, context, executemany):
    sql["count"] += 1
    sql["seconds"] += time.perf_counter() - conn.info.pop("lms_t0")
    sql["kinds"][" ".join(statement.split())[:110]] += 1

client = app.test_client(use_cookies=False)

def send(line):
    method, path, body, *headers = line.split("\t")
    response = client.open(path, method=method, data=body.encode() if body else None,
                           headers=dict(h.split(": ", 1) for h in headers))
    assert response.status_code < 400, (path, response.status_code, response.get_data()[:300])

report = {}
for name, requests in lines.items():
    for line in requests[:20]:
        send(line)  # warm up: templates compiled, first rows created
    sql.update(count=0, seconds=0.0, kinds=collections.Counter())
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(n):
        send(requests[i % len(requests)])
    cpu, wall = (time.process_time() - cpu) / n * 1000, (time.perf_counter() - wall) / n * 1000
    per_request_sql = {"statements": round(sql["count"] / n, 1), "ms": round(sql["seconds"] / n * 1000, 2),
                       "top": [[k, round(c / n, 2)] for k, c in sql["kinds"].most_common(12)]}
    profiler = cProfile.Profile(time.process_time)  # CPU only: time spent waiting on PostgreSQL is not ours
    profiler.enable()
    for i in range(n):
        send(requests[i % len(requests)])
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    report[name] = {"wall_ms": round(wall, 2), "cpu_ms": round(cpu, 2), "sql": per_request_sql,
                    "profile": out.getvalue()}
print("PROFILE-JSON " + json.dumps(report))
'''


def profile(env: dict, lines: dict[str, list[str]], tmp: Path, n: int) -> dict:
    """In-process cost of each endpoint (test client, one process): wall and CPU ms, SQL statements, cProfile."""
    path = tmp / "profile-requests.json"
    path.write_text(json.dumps(lines))
    out = run([sys.executable, "-c", PROFILE, str(path), str(n), "40"], env)
    return json.loads(out.split("PROFILE-JSON ", 1)[1])


def to_ms(value: str | None) -> float | None:
    if value is None:
        return None
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return round(float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 3)


WRK_THREADS = 2  # --wrk-threads


def wrk(url: str, connections: int, seconds: int, requests_file: Path | None = None) -> dict:
    threads = min(connections, WRK_THREADS)
    cmd = ["wrk", "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    if requests_file is not None:
        cmd += ["-s", str(LUA), url, "--", str(requests_file), str(threads)]
    else:
        cmd += [url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+\w+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rps": rps, "requests": total, "p50_ms": to_ms(lat.get("50")), "p90_ms": to_ms(lat.get("90")),
            "p99_ms": to_ms(lat.get("99")), "non_2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": sum(map(int, socket.groups())) if socket else 0}


class RssSampler(threading.Thread):
    """Max RSS (MB) of each child of the gunicorn master, sampled every 0.2 s."""

    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master, self.max_mb, self.halt = master, {}, threading.Event()

    def run(self) -> None:
        workers, listed = [], 0.0
        while not self.halt.wait(0.2):
            if time.monotonic() - listed > 5:  # pgrep is a process spawn: not every 0.2 s, beside the load
                workers, listed = children(self.master), time.monotonic()
            for pid in workers:
                self.max_mb[pid] = max(self.max_mb.get(pid, 0), process_rss_kb(pid) / 1024)

    def stop(self) -> dict[int, float]:
        self.halt.set()
        self.join()
        return {pid: round(mb, 1) for pid, mb in self.max_mb.items()}


def request_lines(base_data: dict) -> dict[str, list[str]]:
    """One request per learner per endpoint, in the TSV format of bench/lua/rotate.lua."""
    json_type = "Content-Type: application/json"
    course_id, videos, quizzes = base_data["course_id"], base_data["videos"], base_data["quizzes"]
    lines: dict[str, list[str]] = {name: [] for name in ENDPOINTS}
    for i, learner in enumerate(base_data["learners"]):
        bearer = f"Authorization: Bearer {learner['token']}"
        start = 10 * (i % 3)
        beacon = json.dumps({"position_s": start + 10, "watched": [[start, start + 10]]}, separators=(",", ":"))
        lines["beacon"].append("\t".join(["POST", f"/api/v1/items/{videos[i % len(videos)]}/progress", beacon,
                                          bearer, json_type]))
        quiz = quizzes[i % len(quizzes)]
        answers = json.dumps({"answers": quiz["answers"]}, separators=(",", ":"))
        lines["quiz"].append("\t".join(["POST", f"/api/v1/quizzes/{quiz['id']}/attempts", answers, bearer, json_type]))
        lines["course_html"].append("\t".join(["GET", f"/formations/{course_id}", "",
                                               f"Cookie: session={learner['cookie']}", f"User-Agent: {USER_AGENT}"]))
        lines["course_api"].append("\t".join(["GET", f"/api/v1/courses/{course_id}", "", bearer]))
    return lines


def check_once(base: str, line: str) -> int:
    """Send one request of a TSV line with urllib: its status (a sanity check before wrk)."""
    method, path, body, *headers = line.split("\t")
    request = urllib.request.Request(base + path, data=body.encode() if body else None, method=method,
                                     headers=dict(h.split(": ", 1) for h in headers))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        print(f"  {method} {path}: {exc.code} {exc.read()[:300]!r}", flush=True)
        return exc.code


def main() -> int:
    global WRK_THREADS
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--learners", type=int, default=64)
    parser.add_argument("--connections", default="1,8,32")
    parser.add_argument("--configs", default="sync2,sync4,gthread2x1", help=f"among {', '.join(CONFIGS)}")
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS))
    parser.add_argument("--pg", action="append", default=[], metavar="NAME=VALUE", help="a PostgreSQL setting")
    parser.add_argument("--pg-socket", action="store_true",
                        help="the app reaches PostgreSQL through its Unix socket instead of TCP on 127.0.0.1")
    parser.add_argument("--wrk-threads", type=int, default=WRK_THREADS,
                        help="wrk threads at 8 and 32 connections (they share the 2 cores with the server)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="instead of wrk: N requests per endpoint in-process, timed and profiled (cProfile, SQL)")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "learner_load.json"))
    args = parser.parse_args()
    WRK_THREADS = args.wrk_threads
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed: apt-get install wrk nginx-light")
    exit_on_sigterm()
    connections = [int(c) for c in args.connections.split(",")]
    endpoints = args.endpoints.split(",")
    pg_settings = dict(setting.split("=", 1) for setting in args.pg)
    started = time.time()
    results, nginx_rows, memory, setup_info = [], [], {}, {}
    with private_postgresql(settings=pg_settings) as pg:
        tmp = Path(tempfile.mkdtemp(prefix="lms-bench-learners-"))
        try:
            env = {**os.environ, "LMS_INSTANCE_PATH": str(tmp), "LMS_RATELIMIT_ENABLED": "false",
                   "LMS_OUTBOX_DISPATCH": "none", "LMS_SECRET_KEY": "bench", "LMS_MEDIA_ROOT": str(tmp / "media"),
                   "LMS_DATABASE_URL": pg.socket_url if args.pg_socket else pg.url, "LMS_SAMPLE_VIDEO_SIZE": "320x180", "LMS_SAMPLE_VIDEO_FPS": "5"}
            (tmp / "media").mkdir()
            flask = [str(BIN / "flask"), "--app", "lms"]
            t0 = time.monotonic()
            run([*flask, "db", "upgrade"], env)
            run([*flask, "create-user", "--role", "coordinator", "--email", COORDINATOR, "--password", PASSWORD], env)
            print(run([*flask, "import-course", str(SAMPLE), "--owner", COORDINATOR, "--publish"], env).strip())
            run([*flask, "jobs", "run-due"], env)  # the films' processing triggers, run here (no worker)
            out = run([sys.executable, "-c", SETUP, str(args.learners), PASSWORD, SAMPLE.name, USER_AGENT], env)
            data = json.loads(out.split("SETUP-JSON ", 1)[1])
            setup_info = {"seconds": round(time.monotonic() - t0, 1), "course_id": data["course_id"],
                          "video_items": len(data["videos"]), "unlimited_quizzes": len(data["quizzes"]),
                          "learners": len(data["learners"])}
            print(f"setup: {setup_info}", flush=True)
            files, all_lines = {}, request_lines(data)
            if args.profile:
                report = profile(env, {name: all_lines[name] for name in endpoints}, tmp, args.profile)
                out_path = Path(args.out)
                out_path.write_text(json.dumps({"setup": setup_info, "requests": args.profile, **report}, indent=2))
                for name, row in report.items():
                    print(f"\n== {name}: {row['wall_ms']} ms wall, {row['cpu_ms']} ms CPU per request; "
                          f"SQL {row['sql']}\n{row['profile']}")
                return 0
            for name, lines in all_lines.items():
                files[name] = tmp / f"{name}.tsv"
                files[name].write_text("\n".join(lines) + "\n")
            static = tmp / "static"
            static.mkdir()
            (static / "ping.txt").write_text("x" * 1024)
            locations = f"        location /static/ {{ alias {static}/; }}\n"
            with running_nginx(locations) as (nginx_base, _nginx):
                for config in args.configs.split(","):
                    workers, extra = CONFIGS[config]
                    with gunicorn(env, workers=workers, gunicorn_args=[*PRODUCTION, *extra]) as (base, server):
                        for name in endpoints:
                            # every learner's request once before any timing: each one's first beacon or
                            # answer (their progress row created, the full path) and each worker's first
                            # page (caches filled) are not the steady state the runs measure
                            for line in files[name].read_text().splitlines():
                                status = check_once(base, line)
                                if status >= 400:
                                    raise RuntimeError(f"{config} {name}: {status} on a warm-up request")
                        sampler = RssSampler(server.pid)
                        sampler.start()
                        for name in endpoints:
                            for conns in connections:
                                load = os.getloadavg()[0]
                                cpu_app, cpu_pg = cpu_seconds([server.pid]), cpu_seconds([pg.postmaster_pid()])
                                row = wrk(base, conns, args.seconds, files[name])
                                app_ms = (cpu_seconds([server.pid]) - cpu_app) * 1000
                                pg_ms = (cpu_seconds([pg.postmaster_pid()]) - cpu_pg) * 1000
                                row = {"config": config, "endpoint": name, "connections": conns, **row,
                                       "app_cpu_ms_per_req": round(app_ms / max(row["requests"], 1), 2),
                                       "pg_cpu_ms_per_req": round(pg_ms / max(row["requests"], 1), 2),
                                       "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2)}
                                results.append(row)
                                print(row, flush=True)
                        load = os.getloadavg()[0]
                        ceiling = wrk(nginx_base + "/static/ping.txt", 32, args.seconds)
                        ceiling = {"config": config, "endpoint": "nginx", "connections": 32, **ceiling,
                                   "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2)}
                        nginx_rows.append(ceiling)
                        print(ceiling, flush=True)
                        memory[config] = {str(pid): mb for pid, mb in sampler.stop().items()}
                    bare_file = tmp / "bare_flask.tsv"
                    bare_file.write_text("\t".join(["POST", "/beacon", '{"position_s":20,"watched":[[10,20]]}',
                                                    "Content-Type: application/json"]) + "\n")
                    with gunicorn(env, workers=workers, gunicorn_args=extra, app="bench.bare_flask:app",
                                  ready_path="/beacon") as (bare_base, _bare):
                        load = os.getloadavg()[0]
                        bare = wrk(bare_base, 32, args.seconds, bare_file)
                        bare = {"config": config, "endpoint": "bare_flask", "connections": 32, **bare,
                                "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2)}
                        nginx_rows.append(bare)
                        print(bare, flush=True)
                        print(f"{config}: worker max RSS MB {memory[config]}", flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        pg_info = {"version": pg.version, "settings": pg.settings or "defaults (fsync, synchronous_commit on)",
               "connection": "unix socket" if args.pg_socket else "tcp 127.0.0.1"}
    report = {"started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)), "seconds": args.seconds,
              "cpus": os.cpu_count(), "postgresql": pg_info, "setup": setup_info,
              "configs": {name: ["--workers", str(CONFIGS[name][0]), *PRODUCTION, *CONFIGS[name][1]]
                          for name in args.configs.split(",")},
              "results": results, "nginx": nginx_rows, "worker_max_rss_mb": memory}
    out_path = Path(args.out)
    out_path.parent.mkdir(exist_ok=True)
    out_path.write_text(json.dumps(report, indent=2))
    print_table(report)
    return 0


def print_table(report: dict) -> None:
    print("\n| config | endpoint | conn | req/s | p50 ms | p99 ms | non-2xx | app CPU ms/req | PG CPU ms/req | load |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in report["results"]:
        print(f"| {r['config']} | {LABELS[r['endpoint']]} | {r['connections']} | {r['rps']:.0f} | {r['p50_ms']} | "
              f"{r['p99_ms']} | {r['non_2xx'] + r['socket_errors']} | {r['app_cpu_ms_per_req']} | "
              f"{r['pg_cpu_ms_per_req']} | {r['load_before']}–{r['load_after']} |")
    for r in report["nginx"]:
        print(f"| {r['config']} | {LABELS[r['endpoint']]} | 32 | {r['rps']:.0f} | {r['p50_ms']} | {r['p99_ms']} | "
              f"{r['non_2xx'] + r['socket_errors']} | | | {r['load_before']}–{r['load_after']} |")
    for config, workers in report["worker_max_rss_mb"].items():
        print(f"{config}: max RSS per worker (MB): {sorted(workers.values())}")


if __name__ == "__main__":
    sys.exit(main())
