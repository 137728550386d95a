"""Videos: upload checks, processing with the pip ffmpeg, captions, transcript, the stuck-video scan."""
import re
import struct
from datetime import timedelta
from pathlib import Path

import pytest

from lms.core import outbox, storage
from lms.core.db import commit
from lms.core.errors import Forbidden, Invalid, TooLarge, UnsupportedMediaType
from lms.extensions import db
from lms.videos import services as videos
from lms.videos.models import FAILED, PROCESSING, READY, Video
from lms.videos.services import integrity, processing
from tests.conftest import media_files
from tests.videotools import VTT, course_using, cut_short, make_video, top_level_atoms


def upload(user, path: Path, title="Film") -> Video:
    with open(path, "rb") as stream:
        video = videos.create_video(user, stream, title, max_bytes=50 * 1024 * 1024)
    commit()  # TestConfig: the trigger runs inline after the commit
    db.session.refresh(video)
    return video


def test_mp4_without_faststart_comes_out_with_moov_before_mdat_by_remuxing(make, tmp_path):
    source = make_video(tmp_path / "slow.mp4")
    assert top_level_atoms(source).index("mdat") < top_level_atoms(source).index("moov")
    video = upload(make.trainer(), source)
    assert video.status == READY, video.error
    atoms = top_level_atoms(storage.path(video.stream_key))
    assert atoms.index("moov") < atoms.index("mdat")
    assert 1.9 <= video.duration_s <= 2.1 and (video.width, video.height) == (320, 240)
    assert storage.read_bytes(video.poster_key)[:3] == b"\xff\xd8\xff"
    made = processing.probe(storage.path(video.stream_key))
    assert (made.video_codec, made.audio_codec, made.pix_fmt) == ("h264", "aac", "yuv420p")
    assert processing.can_remux(processing.probe(source))  # copied, not transcoded
    assert outbox.tasks_with_prefix(f"process_video:{video.id}:")[0].status == outbox.SENT


def test_mpeg4_and_mp3_in_avi_are_transcoded_to_h264_aac(make, tmp_path):
    source = make_video(tmp_path / "old.avi", vcodec="mpeg4", acodec="libmp3lame", extra=())
    video = upload(make.trainer(), source)
    assert video.status == READY, video.error
    made = processing.probe(storage.path(video.stream_key))
    assert (made.video_codec, made.audio_codec) == ("h264", "aac")
    atoms = top_level_atoms(storage.path(video.stream_key))
    assert atoms.index("moov") < atoms.index("mdat")


def test_matroska_without_sound_is_transcoded(make, tmp_path):
    source = make_video(tmp_path / "v.mkv", vcodec="mpeg4", acodec=None, extra=(), fmt="matroska")
    video = upload(make.trainer(), source)
    assert video.status == READY, video.error
    assert processing.probe(storage.path(video.stream_key)).audio_codec is None


def test_a_text_file_named_mp4_is_refused_and_not_kept(app, make, tmp_path):
    fake = tmp_path / "film.mp4"
    fake.write_text("Ceci n'est pas une vidéo.\n" * 100)
    before = media_files(app)
    with pytest.raises(UnsupportedMediaType), open(fake, "rb") as stream:
        videos.create_video(make.trainer(), stream, "Film", max_bytes=10**6)
    assert media_files(app) == before


def test_over_the_limit_nothing_is_kept(app, make, tmp_path):
    source = make_video(tmp_path / "big.mp4")
    before = media_files(app)
    with pytest.raises(TooLarge), open(source, "rb") as stream:
        videos.create_video(make.trainer(), stream, "Film", max_bytes=source.stat().st_size - 1)
    assert media_files(app) == before and db.session.query(Video).count() == 0


def test_a_truncated_mp4_ends_failed_with_a_french_reason(make, tmp_path):
    source = make_video(tmp_path / "whole.mp4")
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    video = upload(make.trainer(), cut)
    assert video.status == FAILED and video.stream_key is None
    assert "incomplet" in video.error and "Envoyez à nouveau" in video.error


TRUNCATED_FILES = {
    # case: (how the whole film is made, how much of it is kept, the reason expected)
    "faststart MP4, 60 % of it": (dict(faststart=True), dict(keep=0.6), r"Le fichier est incomplet \(il manque \d+ ko sur \d+ ko\)"),
    "faststart MP4 without its last 40 bytes": (dict(faststart=True), dict(keep=1, drop=40),
                                                r"Le fichier est incomplet \(il manque 40 octets sur \d+ ko\)"),
    "Matroska, 60 % of it": (dict(target="film.mkv", fmt="matroska", duration=4), dict(keep=0.6),
                             r"Le fichier est incomplet \(la lecture s'arrête à \d,\d s sur 4,0 s\)"),
    "AVI, 60 % of it": (dict(target="film.avi", vcodec="mpeg4", acodec="libmp3lame", extra=()), dict(keep=0.6),
                        r"Le fichier est endommagé : sa lecture échoue avant la fin"),
}


@pytest.mark.parametrize("case", list(TRUNCATED_FILES))
def test_a_film_cut_short_ends_failed_with_why_instead_of_ready_and_shorter(app, make, tmp_path, case):
    how, cut, reason = TRUNCATED_FILES[case]
    how = dict(how)
    whole = make_video(tmp_path / how.pop("target", "film.mp4"), **how)
    before = media_files(app)
    video = upload(make.trainer(), cut_short(whole, tmp_path / f"cut{whole.suffix}", **cut))
    assert video.status == FAILED and video.stream_key is None and video.duration_s is None
    assert re.match(reason, video.error), video.error
    assert "Envoyez à nouveau le fichier d'origine." in video.error
    assert media_files(app) == before | {storage.path(video.original_key)}  # only the upload is kept


@pytest.mark.parametrize("how", [dict(faststart=True), dict(target="film.mkv", fmt="matroska", duration=4),
                                 dict(target="film.avi", vcodec="mpeg4", acodec="libmp3lame", extra=())],
                         ids=["faststart MP4", "Matroska", "AVI"])
def test_the_whole_film_still_ends_ready_with_its_duration(make, tmp_path, how):
    how = dict(how)
    duration = how.get("duration", 2)
    video = upload(make.trainer(), make_video(tmp_path / how.pop("target", "film.mp4"), **how))
    assert video.status == READY, video.error
    assert abs(video.duration_s - duration) < 0.1


def test_box_sizes_written_on_64_bits_or_to_the_end_of_the_file(tmp_path):
    ftyp = struct.pack(">I4s", 16, b"ftyp") + b"isom\x00\x00\x02\x00"
    film = tmp_path / "film.mp4"
    film.write_bytes(ftyp + struct.pack(">I4sQ", 1, b"mdat", 10_000) + bytes(500))  # a 64-bit size, cut short
    assert integrity.promised_size(film) == 16 + 10_000
    film.write_bytes(ftyp + struct.pack(">I4sQ", 1, b"mdat", 516) + bytes(500))
    assert integrity.promised_size(film) is None
    film.write_bytes(ftyp + struct.pack(">I4s", 0, b"mdat") + bytes(500))  # "to the end of the file": nothing promised
    assert integrity.promised_size(film) is None


def test_sound_only_fails_with_a_reason(make, tmp_path):
    import subprocess

    import imageio_ffmpeg

    target = tmp_path / "son.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac",
                    str(target)], check=True)
    video = upload(make.trainer(), target)
    assert video.status == FAILED and "pas d'image vidéo" in video.error


def test_processing_is_idempotent(make, tmp_path):
    video = upload(make.trainer(), make_video(tmp_path / "a.mp4"))
    key = video.stream_key
    assert videos.process_video(video.id).stream_key == key


def test_learners_may_not_upload(make, tmp_path):
    with pytest.raises(Forbidden), open(make_video(tmp_path / "a.mp4"), "rb") as stream:
        videos.create_video(make.learner(), stream, "Film", max_bytes=10**8)


def test_french_captions_make_the_transcript_until_one_is_written(make):
    trainer = make.trainer()
    video = Video(title="Film", owner_id=trainer.id, status=PROCESSING)
    db.session.add(video)
    db.session.flush()
    videos.add_caption(trainer, video, "fr", VTT)
    assert video.transcript == "Bonjour et bienvenue.\n\nLa santé mentale."
    videos.add_caption(trainer, video, "en", b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n")
    assert video.transcript.startswith("Bonjour")
    videos.set_transcript(trainer, video, "# Transcription\n\nRelue par l'équipe.")
    videos.add_caption(trainer, video, "fr", b"WEBVTT\n\n00:00.000 --> 00:01.000\nAutre\n")
    assert video.transcript.startswith("# Transcription") and len(video.captions) == 2
    videos.set_transcript(trainer, video, "")
    assert video.transcript == "Autre" and video.transcript_from_captions


def test_the_services_refuse_another_trainer_but_not_the_owner_a_course_trainer_or_a_coordinator(make):
    owner, course_trainer, stranger = make.trainer(), make.trainer(), make.trainer()
    video = Video(title="Film", owner_id=owner.id, status=PROCESSING)
    db.session.add(video)
    db.session.flush()
    draft = course_using(video, published=False)  # a draft course counts: its trainer prepares the video
    draft.owner_id = course_trainer.id
    db.session.flush()
    with pytest.raises(Forbidden):
        videos.add_caption(stranger, video, "fr", VTT)
    with pytest.raises(Forbidden):
        videos.set_transcript(stranger, video, "Remplacée")
    assert video.captions == [] and video.transcript is None
    for user in (owner, course_trainer, make.coordinator()):
        videos.set_transcript(user, video, f"Relue par {user.id}")
        assert video.transcript == f"Relue par {user.id}"


def test_an_item_grants_the_video_only_if_who_attached_it_could_change_it(make):
    """add_item and update_item remember whether the attaching user could change the video: a trainer who points
    an item of their own course at a colleague's film plays it without gaining the right to change it; the
    video's owner or a coordinator attaching it hands it to the course's trainer."""
    from lms.authoring import services
    from lms.videos.permissions import can_edit_video, editable_video_ids

    owner, reuser = make.trainer(), make.trainer()
    video = Video(title="Film", owner_id=owner.id, status=READY)
    other = Video(title="Autre", owner_id=reuser.id, status=READY)
    db.session.add_all([video, other])
    db.session.flush()
    course = services.create_course(reuser, "Mon parcours")
    module = services.add_module(reuser, course, "M")
    added = services.add_item(reuser, module, "video", "Réutilisé", video_id=video.id)
    own = services.add_item(reuser, module, "video", "Le mien", video_id=other.id)
    assert (added.video_id, added.video_grants_edit, own.video_grants_edit) == (video.id, False, True)
    services.update_item(reuser, own, title="Le mien", video_id=video.id)
    assert (own.video_id, own.video_grants_edit) == (video.id, False)
    assert not can_edit_video(reuser, video) and editable_video_ids(reuser, [video.id, other.id]) == {other.id}
    with pytest.raises(Forbidden):
        videos.set_transcript(reuser, video, "Remplacée")
    services.update_item(make.coordinator(), own, title="Le mien", video_id=None)
    services.update_item(make.coordinator(), own, title="Le mien", video_id=video.id)
    assert own.video_grants_edit and can_edit_video(reuser, video)
    services.update_item(reuser, added, title="Renommé")  # the video unchanged: so is what the item grants
    assert added.video_grants_edit is False


def test_invalid_captions_name_the_line(make):
    trainer = make.trainer()
    video = Video(title="Film", owner_id=trainer.id, status=PROCESSING)
    db.session.add(video)
    db.session.flush()
    with pytest.raises(Invalid) as caught:
        videos.add_caption(trainer, video, "fr", b"WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nx\n")
    assert caught.value.message.startswith("Ligne 3 :")


def test_a_video_stuck_in_processing_is_triggered_again_then_failed(app, make):
    video = Video(title="Film", status=PROCESSING, original_key=storage.save_bytes(b"x", "originals").key)
    db.session.add(video)
    db.session.flush()
    processing.trigger_processing(video, attempt=1)
    lease = timedelta(seconds=app.config["VIDEO_PROCESSING_LEASE_SECONDS"] + 60)

    def age_everything():
        video.created_at = processing.utcnow() - 4 * lease
        for trigger in outbox.tasks_with_prefix(f"process_video:{video.id}:"):
            trigger.created_at -= lease
        db.session.flush()

    app.config["OUTBOX_DISPATCH"] = "none"  # the triggers stay pending: only the scan's decisions are seen
    try:
        commit()
        assert videos.requeue_stuck_videos() == 0  # recently triggered
        age_everything()
        assert videos.requeue_stuck_videos() == 1
        assert len(outbox.tasks_with_prefix(f"process_video:{video.id}:")) == 2
        assert videos.requeue_stuck_videos() == 0  # the new trigger is recent
        age_everything()
        videos.requeue_stuck_videos()
        age_everything()
        videos.requeue_stuck_videos()
        assert video.status == FAILED and "plusieurs essais" in video.error
    finally:
        app.config["OUTBOX_DISPATCH"] = "inline"
