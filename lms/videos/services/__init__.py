"""The video library's verbs. Callers use ``from lms.videos import services`` then ``services.<verb>``.

They live in library.py (upload, get, captions, transcript) and processing.py (what the worker runs); beside
them vtt.py (the WebVTT check), integrity.py (is an upload whole?), slides.py (films drawn from slides, for
courses as files), signing.py and urls.py (the media URLs handed to viewers).
"""
from lms.videos.services.library import (  # noqa: F401
    add_caption,
    create_video,
    get_video,
    remove_abandoned_uploads,
    save_caption,
    set_transcript,
    sniff_container,
    write_transcript,
)
from lms.videos.services.processing import (  # noqa: F401
    PROCESS_TASK,
    ffmpeg_exe,
    process_video,
    requeue_stuck_videos,
    start_processing,
)
from lms.videos.services.urls import media_urls  # noqa: F401
