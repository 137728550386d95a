"""Fixtures of the signed-URL and secure-link tests: a ready video of known bytes in a published course."""
import pytest

from tests.videotools import course_using, ready_video

CONTENT = bytes(range(256)) * 40  # 10240 bytes
SIZE = len(CONTENT)


@pytest.fixture
def video(make):
    return ready_video(make.trainer(), content=CONTENT)


@pytest.fixture
def learner(make):
    return make.learner()


@pytest.fixture
def published(video):
    return course_using(video, published=True)
