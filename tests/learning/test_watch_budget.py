"""The wall-clock budget of video beacons (API.md "Progress and quizzes"), as properties of the rule both beacon
paths apply (lms.learning.services.progress.beacon_values): honest playback, at up to double speed, with pauses,
resumes and seeks, counts in full; no sequence of beacons credits more than 2 × t + 15 s, t the time since the
learner's first beacon on the film."""
from datetime import timedelta
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from lms.core.clock import utcnow
from lms.learning.services import intervals
from lms.learning.services.progress import beacon_values

DURATION_MS = 600_000  # a 10-minute film
GRACE_MS = intervals.BUDGET_GRACE_S * 1000


def new_row() -> SimpleNamespace:
    """A progress row as the first beacon creates it (lms.learning.services.progress.progress_row_of)."""
    return SimpleNamespace(watched=[], time_spent_ms=0, beacons=0, started_at=None, last_beacon_at=None)


def send(row: SimpleNamespace, now, position_s: float, watched: list) -> SimpleNamespace:
    if row.started_at is None:  # the row is created by the learner's first beacon, started then
        row.started_at = now
    for name, value in beacon_values(row, DURATION_MS, position_s, watched, now).items():
        setattr(row, name, value)
    return row


# -- honest playback -------------------------------------------------------------------------------------

# A stretch of playback: a pause before it (ms of wall clock), where it starts in the film (a seek back or
# forward, or where the previous one stopped), its rate, whether the player sends a beacon as it starts (it
# does on "play"), and the wall-clock ms between its beacons (the player sends one every ~10 s; "every few
# seconds" here, up to 7 s, so that even the very first beacon carries less than 15 s at double speed).
stretch = st.tuples(
    st.integers(0, 900_000),
    st.one_of(st.none(), st.integers(0, DURATION_MS // 1000)),
    st.sampled_from([0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]),
    st.booleans(),
    st.lists(st.integers(200, 7_000), min_size=1, max_size=12),
)


@settings(max_examples=300)
@given(stretches=st.lists(stretch, min_size=1, max_size=8))
def test_honest_playback_at_up_to_double_speed_counts_in_full(stretches):
    row, now, position = new_row(), utcnow(), 0.0
    played: list[tuple[int, int]] = []
    for pause_ms, seek_to, rate, beacon_on_play, chunks in stretches:
        now += timedelta(milliseconds=pause_ms)
        if seek_to is not None:
            position = float(seek_to)
        if beacon_on_play:
            send(row, now, position, [])
        for chunk_ms in chunks:
            now += timedelta(milliseconds=chunk_ms)
            end = min(position + rate * chunk_ms / 1000, DURATION_MS / 1000)
            segment = [position, end]
            played += intervals.clip([(intervals.to_ms(position), intervals.to_ms(end))], DURATION_MS)
            send(row, now, end, [segment] if end > position else [])
            position = end
    assert [tuple(pair) for pair in row.watched] == intervals.merge(played)
    assert row.watched_ms == intervals.total(intervals.merge(played))
    assert row.time_spent_ms == intervals.total(played)


def test_a_one_minute_film_at_double_speed_with_a_beacon_every_ten_seconds_completes_in_thirty():
    row, start = new_row(), utcnow()
    send(row, start, 0, [])  # "play"
    for n in range(1, 4):
        send(row, start + timedelta(seconds=10 * n), 20 * n, [[20 * (n - 1), 20 * n]])
    assert row.watched == [[0, 60_000]]


# -- any sequence of beacons ------------------------------------------------------------------------------

seconds = st.integers(0, DURATION_MS // 1000 + 30)
claims = st.lists(st.tuples(seconds, seconds).map(sorted).map(list), max_size=5)
beacon = st.tuples(st.integers(0, 120_000), claims)  # wall-clock ms since the previous beacon, the segments


@settings(max_examples=300)
@given(beacons=st.lists(beacon, min_size=1, max_size=25))
def test_no_sequence_of_beacons_credits_more_than_twice_the_time_since_the_first_plus_15_s(beacons):
    row, now = new_row(), utcnow()
    first = previous = None
    for wait_ms, watched in beacons:
        now += timedelta(milliseconds=wait_ms)
        before = row.watched_ms if first is not None else 0
        send(row, now, 0, watched)
        first = first or now
        elapsed_ms = (now - first) / timedelta(milliseconds=1)
        assert row.watched_ms <= 2 * elapsed_ms + GRACE_MS  # all beacons together
        assert row.time_spent_ms <= 2 * elapsed_ms + GRACE_MS
        since_ms = 0 if previous is None else min((now - previous) / timedelta(milliseconds=1), 60_000)
        assert row.watched_ms - before <= 2 * since_ms + GRACE_MS  # this beacon alone
        previous = now


def test_back_to_back_beacons_share_the_15_s():
    row, now = new_row(), utcnow()
    for quarter in range(4):
        send(row, now, 15 * (quarter + 1), [[15 * quarter, 15 * (quarter + 1)]])
    assert row.watched == [[0, 15_000]] and row.beacons == 4
