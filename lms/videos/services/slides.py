"""The demonstration film of a course-as-files video: slides drawn with Pillow, a soft sound track, ffmpeg.

Deterministic: the same slides (and size and frame rate) give the same MP4, cached under the
instance folder by a hash of that spec, so re-imports and re-runs do not render again.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from flask import current_app
from PIL import Image, ImageDraw, ImageFont

from lms.videos.services.processing import ffmpeg_exe

RENDERER_VERSION = 1
FOOTER = "Diaporama de démonstration"
BACKGROUND, INK, ACCENT, MUTED = (16, 24, 48), (255, 255, 255), (255, 214, 102), (200, 208, 224)
# A few gentle notes (C major: C5 E5 G5 A4 D5 F5 ...), one per slide.
NOTES = (523.25, 659.25, 783.99, 440.0, 587.33, 698.46, 493.88, 392.0)


FONTS = Path(__file__).resolve().parents[2] / "core" / "fonts"  # DejaVu Sans, shipped with the app (free licence beside it)
FONT_CANDIDATES = {
    "regular": (str(FONTS / "DejaVuSans.ttf"), "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "bold": (str(FONTS / "DejaVuSans-Bold.ttf"), "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}


def font_path(weight: str) -> str | None:
    """The shipped DejaVu Sans (French accents on any machine); None: Pillow's own font."""
    return next((candidate for candidate in FONT_CANDIDATES[weight] if Path(candidate).is_file()), None)


def _font(weight: str, size: int):
    found = font_path(weight)
    return ImageFont.truetype(found, size) if found else ImageFont.load_default(size=size)


def render_settings() -> tuple[int, int, int]:
    """Width, height and frames per second of the rendered films (config SAMPLE_VIDEO_SIZE, SAMPLE_VIDEO_FPS)."""
    size = str(current_app.config["SAMPLE_VIDEO_SIZE"])
    width, _x, height = size.lower().partition("x")
    return int(width) // 2 * 2, int(height) // 2 * 2, int(current_app.config["SAMPLE_VIDEO_FPS"])


def spec_json(slides: list[dict]) -> bytes:
    """The film's whole recipe (slides, size, frame rate, fonts, renderer): what the import stores as the video's
    original (under SPEC_PREFIX in the media store) for the worker to render; its hash names the film."""
    width, height, fps = render_settings()
    spec = {"v": RENDERER_VERSION, "size": [width, height], "fps": fps, "fonts": [font_path("regular"), font_path("bold")],
            "slides": [{"title": s["title"], "points": list(s["points"]), "seconds": s["seconds"]} for s in slides]}
    return json.dumps(spec, ensure_ascii=False, sort_keys=True).encode("utf-8")


def spec_hash(slides: list[dict]) -> str:
    return hashlib.sha256(spec_json(slides)).hexdigest()


SPEC_PREFIX = "slides"  # media store keys of stored recipes: "slides/<2 hex>/<32 hex>.json"


def film_of_spec(path: Path) -> Path:
    """The MP4 of a stored recipe (spec_json), rendered now unless cached: the worker's first step for a demo film."""
    return rendered_path(json.loads(Path(path).read_text("utf-8"))["slides"])[0]


def cache_dir() -> Path:
    folder = Path(current_app.config["INSTANCE_PATH"]) / "rendered-videos"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def rendered_path(slides: list[dict]) -> tuple[Path, bool]:
    """The cached MP4 of these slides, rendering it when missing; and whether it was rendered now."""
    target = cache_dir() / f"{spec_hash(slides)}.mp4"
    if target.is_file() and target.stat().st_size > 0:
        return target, False
    render(slides, target)
    return target, True


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def draw_slide(slide: dict, index: int, width: int, height: int) -> Image.Image:
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    unit = height / 720
    margin = int(80 * unit)
    title_font = _font("bold", max(10, int((60 if index == 0 else 50) * unit)))
    point_font = _font("regular", max(8, int(36 * unit)))
    footer_font = _font("regular", max(7, int(22 * unit)))
    title_lines = _wrap(draw, slide["title"], title_font, width - 2 * margin)
    line_h = int(title_font.size * 1.25)
    y = (height - line_h * len(title_lines)) // 2 if index == 0 else margin
    for line in title_lines:
        x = (width - draw.textlength(line, font=title_font)) / 2 if index == 0 else margin
        draw.text((x, y), line, font=title_font, fill=INK)
        y += line_h
    y += int(10 * unit)
    draw.rectangle([margin, y, margin + int(160 * unit), y + max(2, int(6 * unit))], fill=ACCENT)
    y += int(50 * unit)
    bullet_indent = int(44 * unit)
    for point in slide["points"]:
        lines = _wrap(draw, point, point_font, width - 2 * margin - bullet_indent)
        radius = max(2, int(8 * unit))
        cy = y + point_font.size // 2 + radius // 2
        draw.ellipse([margin, cy - radius, margin + 2 * radius, cy + radius], fill=ACCENT)
        for line in lines:
            draw.text((margin + bullet_indent, y), line, font=point_font, fill=INK)
            y += int(point_font.size * 1.3)
        y += int(22 * unit)
    draw.text((margin, height - int(50 * unit)), FOOTER, font=footer_font, fill=MUTED)
    return image


def render(slides: list[dict], target: Path) -> None:
    """Write the MP4 (H.264/AAC, faststart) for the slides to ``target`` (atomically)."""
    width, height, fps = render_settings()
    timeout = current_app.config.get("VIDEO_FFMPEG_TIMEOUT_SECONDS", 3600)
    with tempfile.TemporaryDirectory(prefix="lms-slides-") as work:
        inputs, filters, segments = [], [], []
        for i, slide in enumerate(slides):
            png = Path(work) / f"slide{i:02d}.png"
            draw_slide(slide, i, width, height).save(png, optimize=False)
            seconds = slide["seconds"]
            inputs += ["-loop", "1", "-framerate", str(fps), "-t", str(seconds), "-i", str(png)]
            note = NOTES[i % len(NOTES)]
            filters.append(f"[{i}:v]format=yuv420p,setsar=1[v{i}]")
            filters.append(
                f"sine=frequency={note}:sample_rate=44100:duration={seconds},"
                f"volume=0.04,afade=t=in:d=1,afade=t=out:st={max(0, seconds - 2)}:d=2,"
                f"aformat=channel_layouts=stereo[a{i}]")
            segments.append(f"[v{i}][a{i}]")
        filters.append(f"{''.join(segments)}concat=n={len(slides)}:v=1:a=1[v][a]")
        partial = Path(work) / "film.mp4"
        command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", *inputs,
                   "-filter_complex", ";".join(filters), "-map", "[v]", "-map", "[a]",
                   "-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage", "-crf", "26",
                   "-pix_fmt", "yuv420p", "-r", str(fps),
                   "-c:a", "aac", "-b:a", "96k", "-ac", "2",
                   "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
                   "-movflags", "+faststart", "-f", "mp4", str(partial)]
        result = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=timeout)
        if result.returncode != 0 or not partial.is_file():
            raise RuntimeError(f"ffmpeg failed to render the slides: {result.stderr[-1500:]}")
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        shutil.move(partial, tmp)
        os.replace(tmp, target)
