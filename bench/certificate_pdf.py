"""Time to render one certificate PDF (target: under 100 ms each).

    .venv/bin/python bench/certificate_pdf.py [--runs 50]

Renders the same certificate ``--runs`` times with lms.certificates.services.pdf.render_pdf (the
function issue_certificate calls), after one warm-up render that makes the font subset
(once per process, then reused from the cache folder). Prints the mean, median, min, max
wall time and the mean CPU time per PDF, plus the first (cold) render. No database:
the document is built from a snapshot dict as the service freezes it.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from lms.certificates.services.document import build  # noqa: E402
from lms.certificates.services.pdf import render_pdf  # noqa: E402

SNAPSHOT = {
    "holder_name": "Hélène Dupré-Lefèvre", "organisation": "Centre communal d'action sociale de Metz",
    "course_title": "Premiers repères en santé mentale : comprendre, repérer, orienter",
    "nature": "Action de sensibilisation", "modality": "Formation à distance (e-learning)",
    "objectives": ["Distinguer santé mentale, souffrance psychique et troubles psychiques",
                   "Repérer les signes d'alerte d'une crise suicidaire", "Orienter vers le 3114, le CMP et les partenaires du CLSM",
                   "Adopter une posture qui ne stigmatise pas"],
    "duration_minutes": 120, "time_spent_s": 6935, "started_at": "2026-03-03T10:00:00+01:00",
    "completed_at": "2026-03-12T16:00:00+01:00", "has_post_test": True, "post_test_score": 85,
    "issuer_name": "Centre hospitalier de Jury — Conseil local de santé mentale de Metz",
    "signatory": "La coordination du Conseil local de santé mentale de Metz",
    "signatory_title": "Coordination du CLSM — Centre hospitalier de Jury", "issued_at": "2026-03-12T16:01:00+01:00",
}
CODE = "K7QX-M2PA-ZD4R-TY6B-WN3C-HE5F"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    document = build(SNAPSHOT, code=CODE, verify_url=f"https://formation.clsm-metz.fr/verify/{CODE}")
    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        size = len(render_pdf(document, cache_dir=cache))
        cold = (time.perf_counter() - start) * 1000
        walls, cpus = [], []
        for _ in range(args.runs):
            wall, cpu = time.perf_counter(), time.process_time()
            render_pdf(document, cache_dir=cache)
            cpus.append((time.process_time() - cpu) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
    print(f"certificate PDF, {size} bytes, {args.runs} renders after one cold render ({cold:.1f} ms, makes the font subset)")
    print(f"wall ms: mean {statistics.mean(walls):.1f}  median {statistics.median(walls):.1f}  "
          f"min {min(walls):.1f}  max {max(walls):.1f}")
    print(f"cpu ms:  mean {statistics.mean(cpus):.1f}")
    print("target: mean under 100 ms —", "met" if statistics.mean(walls) < 100 else "NOT met")


if __name__ == "__main__":
    main()
