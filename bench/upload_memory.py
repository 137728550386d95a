"""Memory of the web worker while a ~1 GiB video is uploaded to POST /api/v1/videos.

    .venv/bin/python bench/upload_memory.py [--mib 1024] [--workers 1]

gunicorn (sync workers, --timeout 600 unless --timeout) on a fresh SQLite database and a
temporary media root, processing not dispatched (LMS_OUTBOX_DISPATCH=none).
The file is a real 1-second MP4 made by the pip ffmpeg followed by padding, so
it is sniffed as a video; it is written to disk 1 MiB at a time and sent with
http.client 1 MiB at a time (a streaming client with Content-Length, as a
browser sends it). A thread samples VmRSS of the gunicorn processes every
50 ms, and every 0.5 s the size of the deleted temporary files the worker holds
open (a spool such as Werkzeug's default one, in the system temp folder) and of
the files in the media store's temporary area (``MEDIA_ROOT/.uploads``, where the
upload routes receive the file part). Target: worker growth under 50 MB.
Writes bench/results/upload_memory.json and prints a summary.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.serve import api_token, app_instance, children, exit_on_sigterm, process_rss_kb  # noqa: E402

MIB = 1024 * 1024
EMAIL, PASSWORD = "trainer@bench.example.org", "bench-password"
BOUNDARY = "----lms-bench-upload-7d3f"
TARGET_MB = 50


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def make_video(path: Path, mib: int) -> int:
    """A 1-second MP4 then pseudo-random padding up to ``mib`` MiB, written 1 MiB at a time."""
    head = path.with_suffix(".head.mp4")
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", "-f", "lavfi",
                    "-i", "testsrc=duration=1:size=320x240:rate=10", "-pix_fmt", "yuv420p", str(head)],
                   check=True, timeout=60)
    block = os.urandom(MIB)
    with open(path, "wb") as out:
        out.write(head.read_bytes())
        left = mib * MIB - out.tell()
        while left > 0:
            left -= out.write(block[: min(MIB, left)])
    head.unlink()
    return path.stat().st_size


def multipart_parts(title: str, filename: str) -> tuple[bytes, bytes]:
    pre = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n{title}\r\n"
           f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
           "Content-Type: video/mp4\r\n\r\n").encode()
    return pre, f"\r\n--{BOUNDARY}--\r\n".encode()


def upload(base: str, token: str, path: Path, title: str, timeout: float = 600) -> dict:
    """Stream ``path`` as multipart/form-data; returns status, body, time to send and time to the answer."""
    pre, post = multipart_parts(title, path.name)
    length = len(pre) + path.stat().st_size + len(post)
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        start = time.monotonic()
        conn.putrequest("POST", "/api/v1/videos")
        conn.putheader("Authorization", f"Bearer {token}")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        conn.send(pre)
        with open(path, "rb") as stream:
            while chunk := stream.read(MIB):
                conn.send(chunk)
        conn.send(post)
        sent = time.monotonic()
        response = conn.getresponse()
        status, body = response.status, response.read().decode(errors="replace")[:500]
    except (OSError, http.client.HTTPException) as exc:  # e.g. the worker killed by gunicorn's timeout
        sent = locals().get("sent", time.monotonic())
        status, body = 0, f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()
    done = time.monotonic()
    return {"status": status, "body": body, "bytes": length, "send_s": sent - start, "total_s": done - start}


class Sampler(threading.Thread):
    """VmRSS of each gunicorn process every ``interval`` s; deleted temp files held open by workers every 0.5 s."""

    def __init__(self, master: int, media_root: Path, interval: float = 0.05):
        super().__init__(daemon=True)
        self.master, self.interval = master, interval
        self.uploads_dir = media_root / ".uploads"
        self.samples: list[tuple[float, dict[int, int]]] = []
        self.spooled_max = self.media_tmp_max = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        pids = [self.master, *children(self.master)]
        next_fd_scan = 0.0
        while not self.stopping.is_set():
            now = time.monotonic()
            self.samples.append((now, {pid: process_rss_kb(pid) for pid in pids}))
            if now >= next_fd_scan:
                next_fd_scan = now + 0.5
                self.spooled_max = max(self.spooled_max, deleted_open_bytes(pids[1:]))
                self.media_tmp_max = max(self.media_tmp_max, folder_bytes(self.uploads_dir))
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()
        self.join()


def deleted_open_bytes(pids: list[int]) -> int:
    """Bytes in deleted files the processes hold open (an unnamed spool file such as tempfile.TemporaryFile)."""
    total = 0
    for pid in pids:
        fd_dir = Path(f"/proc/{pid}/fd")
        try:
            for fd in fd_dir.iterdir():
                try:
                    if os.readlink(fd).endswith("(deleted)"):
                        total += os.stat(fd).st_size
                except OSError:
                    continue
        except OSError:
            continue
    return total


def folder_bytes(folder: Path) -> int:
    try:
        return sum(entry.stat().st_size for entry in folder.iterdir() if entry.is_file())
    except OSError:
        return 0


def load() -> str:
    return Path("/proc/loadavg").read_text().strip()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=1024, help="size of the uploaded file")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=600, help="gunicorn --timeout (its default is 30)")
    parser.add_argument("--tag", default="", help="results go to upload_memory[_TAG].json")
    args = parser.parse_args()
    exit_on_sigterm()
    env = {"LMS_MAX_UPLOAD_MB": str(args.mib + 64)}
    with app_instance(workers=args.workers, users=[("trainer", EMAIL, PASSWORD)], env=env,
                      gunicorn_args=["--timeout", str(args.timeout)]) as app:
        token = api_token(app.base, EMAIL, PASSWORD)
        t0 = time.monotonic()
        source = app.tmp / "upload.mp4"
        size = make_video(source, args.mib)
        print(f"generated {size / MIB:.0f} MiB in {time.monotonic() - t0:.1f} s", flush=True)
        small = app.tmp / "warmup.mp4"
        make_video(small, 2)
        for _ in range(args.workers):  # the same code path once per worker before the baseline
            warm = upload(app.base, token, small, "warm-up")
            assert warm["status"] == 202, warm
        load_before = load()
        sampler = Sampler(app.server.pid, app.media_root)
        sampler.start()
        try:
            time.sleep(1.0)  # baseline
            mark = time.monotonic()
            result = upload(app.base, token, source, f"bench {args.mib} MiB")
            time.sleep(1.0)  # after
        finally:
            sampler.stop()
        load_after = load()
        media_files = sorted([str(p.relative_to(app.media_root)), p.stat().st_size]
                             for p in (app.media_root / "originals").rglob("*") if p.is_file())
        media_tmp_left = folder_bytes(app.media_root / ".uploads")
        rows = app.python("from lms.authoring.models import Video\nfrom lms.extensions import db\n"
                          "print([[v.id, v.status, v.original_key, v.original_size] for v in db.session.query(Video)])")
    workers = {pid for _, rss in sampler.samples for pid in rss} - {app.server.pid}
    per_worker = {}
    for pid in workers:
        before = [rss[pid] for t, rss in sampler.samples if t < mark and rss.get(pid)]
        during = [rss[pid] for t, rss in sampler.samples if t >= mark and rss.get(pid)]
        per_worker[pid] = {"baseline_mb": round(max(before) / 1024, 1), "peak_mb": round(max(during) / 1024, 1)}
        per_worker[pid]["growth_mb"] = round(per_worker[pid]["peak_mb"] - per_worker[pid]["baseline_mb"], 1)
    busiest = max(per_worker.values(), key=lambda w: w["growth_mb"])
    out = {
        "file_bytes": size, "request_bytes": result["bytes"], "status": result["status"], "answer": result["body"],
        "workers": args.workers, "gunicorn": f"sync workers, --timeout {args.timeout}", "sample_interval_s": 0.05,
        "samples": len(sampler.samples), "worker_rss": per_worker,
        "baseline_mb": busiest["baseline_mb"], "peak_mb": busiest["peak_mb"], "growth_mb": busiest["growth_mb"],
        "target_growth_mb": TARGET_MB, "target_met": busiest["growth_mb"] < TARGET_MB,
        "send_s": round(result["send_s"], 2), "upload_s": round(result["total_s"], 2),
        "server_tail_s": round(result["total_s"] - result["send_s"], 2),
        "throughput_mib_s": round(result["bytes"] / MIB / result["total_s"], 1),
        "spooled_tmp_max_bytes": sampler.spooled_max, "media_tmp_max_bytes": sampler.media_tmp_max,
        "media_tmp_left_bytes": media_tmp_left, "media_store_originals": media_files, "videos_in_database": rows.strip(),
        "loadavg_before": load_before, "loadavg_after": load_after, "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    path = Path(__file__).resolve().parent / "results" / f"upload_memory{'_' + args.tag if args.tag else ''}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    print(json.dumps({k: v for k, v in out.items() if k != "worker_rss"}, indent=2))
    print(f"\n| file | status | worker RSS baseline | peak | growth | upload time | throughput | spooled to /tmp "
          f"| in MEDIA_ROOT/.uploads (max) |\n|---|---|---|---|---|---|---|---|---|\n"
          f"| {size / MIB:.0f} MiB | {result['status']} | {out['baseline_mb']} MB | {out['peak_mb']} MB | "
          f"{out['growth_mb']} MB | {out['upload_s']} s (send {out['send_s']} s + server {out['server_tail_s']} s) | "
          f"{out['throughput_mib_s']} MiB/s | {sampler.spooled_max / MIB:.0f} MiB | {sampler.media_tmp_max / MIB:.0f} MiB |")
    print(f"target growth < {TARGET_MB} MB: {'met' if out['target_met'] else 'NOT met'}; answer {result['status']}; "
          f"load {load_before} -> {load_after}")
    return 0 if out["target_met"] and result["status"] == 202 else 1


if __name__ == "__main__":
    sys.exit(main())
