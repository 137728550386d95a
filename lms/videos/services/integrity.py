"""Is an uploaded film whole? A valid MP4 cut short (an interrupted upload) must not become a shorter "ready" video.

Three checks, the cheapest first; the first that fails gives the reason shown to the trainer (French, stored
on the video like the other reasons of processing.py):

- an MP4 or MOV file is a row of boxes, each starting with its size: when they add up to more than the file
  holds, its end is missing. This catches a cut anywhere in the media data, even between two frames, which
  decoding alone does not see (a cut before a ``moov`` at the end already fails processing.probe);
- the streams the conversion keeps (the first image and sound streams) are decoded to nothing
  (``ffmpeg -xerror ... -f null -``): a read or decoding error before the end fails it;
- in the other containers (Matroska, WebM, AVI...: no sizes to add up), the decoded streams must reach the
  duration the container declares, within max(1 s, 1 %); a duration ffmpeg only estimated from the bitrate
  is not compared. (Not for MP4: the sizes are exact there, and a film without sound whose last image lasts
  long would look short.)

Decoding is the cost: about 1/30 of the film's length for 720p H.264 on one busy core (bench figures in the
report of the change), far less than transcoding.
"""
from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import imageio_ffmpeg

INCOMPLETE = ("Le fichier est incomplet ({what}) : l'envoi a sans doute été interrompu. "
              "Envoyez à nouveau le fichier d'origine.")
DAMAGED = ("Le fichier est endommagé : sa lecture échoue avant la fin (envoi interrompu ou fichier abîmé ?). "
           "Envoyez à nouveau le fichier d'origine.")
BOX_CONTAINERS = ("mp4", "mov")


def french_size(size: int) -> str:
    if size < 1024:
        return f"{size} octets"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} ko"
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def french_clock(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s".replace(".", ",")
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return (f"{hours} h {rest // 60:02d} min {rest % 60:02d} s" if hours else f"{rest // 60} min {rest % 60:02d} s")


def promised_size(path: Path) -> int | None:
    """The size the top-level boxes of an MP4/MOV file add up to when it is more than the file holds, else None.

    A box of size 0 runs to the end of the file (nothing promised); a size below 8 is not a box (leave the
    file to ffmpeg)."""
    size, offset = path.stat().st_size, 0
    with open(path, "rb") as handle:
        while offset + 8 <= size:
            handle.seek(offset)
            header = handle.read(16)
            box = struct.unpack(">I", header[:4])[0]
            if box == 1:  # the size is the 64-bit number after the name
                if len(header) < 16:
                    return offset + 16
                box = struct.unpack(">Q", header[8:16])[0]
            elif box == 0:
                return None
            if box < 8:
                return None
            offset += box
    return offset if offset > size else None


def decoded_seconds(path: Path, *, timeout: float) -> tuple[int, float | None, str]:
    """Decode the first image and sound streams (what processing.process_video keeps) to nothing, stopping at the first error:
    (ffmpeg's exit code, the time reached in seconds, its error output). TimeoutExpired past ``timeout``."""
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-xerror", "-i", str(path),
               "-map", "0:v:0", "-map", "0:a:0?", "-f", "null", "-nostats", "-progress", "pipe:1", "-"]
    result = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=timeout)
    reached = None
    for line in result.stdout.splitlines():
        name, _, value = line.partition("=")
        if name == "out_time_us" and value.strip().lstrip("-").isdigit():
            reached = int(value) / 1_000_000
    return result.returncode, reached, result.stderr.strip()


def problem(path: Path, container: str, declared: float | None, *, timeout: float) -> tuple[str, str] | None:
    """Why the file is not whole, as (reason for the trainer, detail for the log); None when it reads to the end.

    ``container`` and ``declared`` (the duration in the container's header, None when unknown or estimated)
    come from processing.probe."""
    boxes = any(name in BOX_CONTAINERS for name in container.split(","))
    if boxes and (promised := promised_size(path)) is not None:
        size = path.stat().st_size
        what = f"il manque {french_size(promised - size)} sur {french_size(promised)}"
        return INCOMPLETE.format(what=what), f"boxes promise {promised} bytes, the file has {size}"
    code, reached, errors = decoded_seconds(path, timeout=timeout)
    if code != 0:
        return DAMAGED, errors[-2000:] or f"ffmpeg exited with {code}"
    if not boxes and declared and reached is not None and reached < declared - max(1.0, declared * 0.01):
        what = f"la lecture s'arrête à {french_clock(reached)} sur {french_clock(declared)}"
        return INCOMPLETE.format(what=what), f"decoded {reached:.3f} s of {declared:.3f} s"
    return None
