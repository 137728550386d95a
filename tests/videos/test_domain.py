"""Videos are a domain of their own: its routes are videos.<verb>_<noun> at the URLs they always had, and it
never imports authoring (authoring puts videos in its items and reads them through lms.videos)."""
import ast
import base64
import hashlib
import hmac
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from lms.videos.services import signing

ROOT = Path(__file__).resolve().parents[2]

ROUTES = {
    "/edition/videos": {"videos.list_videos", "videos.upload_video"},
    "/edition/videos/<int:video_id>": {"videos.show_video"},
    "/edition/videos/<int:video_id>/sous-titres": {"videos.upload_caption"},
    "/edition/videos/<int:video_id>/transcription": {"videos.edit_transcript"},
    "/media/videos/<int:video_id>/stream.mp4": {"videos.stream_video"},
    "/media/videos/<int:video_id>/poster.jpg": {"videos.send_poster"},
    "/media/videos/<int:video_id>/captions/<lang>.vtt": {"videos.send_caption"},
}


def test_the_library_and_media_routes_are_the_videos_blueprints_at_their_old_urls(app):
    found = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("videos.") or rule.rule in ROUTES:
            found.setdefault(rule.rule, set()).add(rule.endpoint)
    assert found == ROUTES


def _imports(package: Path) -> set[str]:
    names = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
    return names


def test_videos_never_import_authoring_and_everyone_reads_videos_from_lms_videos():
    assert not {name for name in _imports(ROOT / "lms" / "videos") if name.startswith("lms.authoring")}
    everywhere = _imports(ROOT / "lms") | _imports(ROOT / "worker")
    gone = ("lms.media", "lms.core.ranges", "lms.authoring.videos", "lms.authoring.vtt", "lms.authoring.slides",
            "lms.authoring.integrity", "lms.authoring.video_forms")
    assert not {name for name in everywhere if name.startswith(gone)}


def test_a_url_signed_before_the_move_to_itsdangerous_still_verifies(app):
    """The signatures are itsdangerous's Signer (HMAC key derivation): the same bytes as the HMAC written by hand
    before, so the URLs already in learners' pages stay valid across the deploy."""
    with app.test_request_context():
        params = signing.sign(7, "stream", "videos/ab/" + "c" * 32 + ".mp4", 42)
        key = hmac.new(app.config["SECRET_KEY"].encode(), b"lms.media.signed-url.v1", hashlib.sha256).digest()
        message = f"7\nstream\n{params['k']}\n{params['e']}\n42".encode()
        by_hand = base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()).rstrip(b"=").decode()
        assert params["s"] == by_hand
        assert signing.verified(7, "stream", params).key == params["k"]
        query = parse_qs(urlsplit(f"/x?k={params['k']}&e={params['e']}&u=42&s={by_hand}").query)
        assert signing.verified(7, "stream", {name: values[0] for name, values in query.items()}).viewer_id == 42
