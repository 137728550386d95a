"""Uploaded films processed by the real worker (the Celery task over Redis): a truncated upload ends failed."""
from __future__ import annotations

import pytest

from tests import factories
from tests.videotools import cut_short, make_video
from tests.worker.conftest import DOMAIN, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.no_transaction]


def test_the_worker_fails_a_truncated_upload_with_its_reason_and_makes_a_whole_one_ready(
        make_web_app, smtp_server, start_worker, redis_url, redis_client, tmp_path):
    _, port = smtp_server()
    web_app = make_web_app(broker_url=redis_url, smtp_port=port)
    start_worker(port)
    with web_app.app_context():
        email = factories.trainer(email=f"formatrice@{DOMAIN}").email
    client = web_app.test_client()
    token = client.post("/api/v1/auth/token", json={"email": email, "password": factories.PASSWORD}).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    whole = make_video(tmp_path / "film.mp4", faststart=True)
    ids = {}
    for name, path in (("whole", whole), ("cut", cut_short(whole, tmp_path / "cut.mp4", keep=0.6))):
        with open(path, "rb") as stream:
            response = client.post("/api/v1/videos", headers=headers, content_type="multipart/form-data",
                                   data={"title": name, "file": (stream, path.name)})
        assert response.status_code == 202 and response.json["status"] == "processing"
        ids[name] = response.json["id"]

    def state(name):
        answer = client.get(f"/api/v1/videos/{ids[name]}", headers=headers).json
        return answer if answer["status"] != "processing" else None

    cut = wait_until(lambda: state("cut"), 60, "the worker to process the truncated upload", interval=0.2)
    assert cut["status"] == "failed" and cut["error"].startswith("Le fichier est incomplet (il manque ")
    assert cut["stream_url"] is None
    ready = wait_until(lambda: state("whole"), 60, "the worker to process the whole upload", interval=0.2)
    assert ready["status"] == "ready" and 1.9 <= ready["duration_s"] <= 2.1
