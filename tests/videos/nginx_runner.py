"""README's secure-link ``location`` block, ready for a private nginx (bench.nginx.running_nginx).

The block is read from README.md itself (the ```nginx code block holding ``secure_link``), so
the tests and the range benchmark run exactly what the documentation tells operators to paste.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
SECRET_PLACEHOLDER = "LMS_MEDIA_SECURE_LINK_SECRET"
MEDIA_ROOT_PLACEHOLDER = "/srv/lms/media/"


def secure_link_location(media_root: str | Path, secret: str) -> str:
    """README's block with the media root and secret of this run."""
    blocks = [b for b in re.findall(r"```nginx\n(.*?)```", README.read_text(), re.S) if "secure_link " in b]
    if len(blocks) != 1:
        raise LookupError(f"README.md: expected one nginx block with secure_link, found {len(blocks)}")
    block = blocks[0]
    for placeholder in (f" {SECRET_PLACEHOLDER}\"", f"alias {MEDIA_ROOT_PLACEHOLDER}"):
        if placeholder not in block:
            raise LookupError(f"README.md's secure_link block lacks {placeholder!r}")
    return (block.replace(f" {SECRET_PLACEHOLDER}\"", f" {secret}\"")
                 .replace(f"alias {MEDIA_ROOT_PLACEHOLDER}", f"alias {str(media_root).rstrip('/')}/"))


def nginx_missing() -> str | None:
    """Why nginx with the secure_link module cannot run here, or None."""
    nginx = shutil.which("nginx")
    if nginx is None:
        return "nginx is not installed (apt-get install nginx-light)"
    built = subprocess.run([nginx, "-V"], capture_output=True, text=True).stderr
    if "--with-http_secure_link_module" not in built:
        return "this nginx has no secure_link module"
    return None
