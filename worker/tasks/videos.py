"""Thin tasks: ids in, one service call, commit."""
from celery import shared_task

from lms.core.db import commit
from lms.videos import services as videos


@shared_task(name=videos.PROCESS_TASK, acks_late=True)
def process_video(video_id: int) -> str | None:
    """Idempotent: a video already ready or failed is left alone. A worker lost mid-way is not
    redelivered by the broker (a file that kills ffmpeg would loop): the periodic scan
    (videos.requeue_stuck_videos) triggers it again, a bounded number of times."""
    video = videos.process_video(int(video_id))
    commit()
    return video.status if video is not None else None
