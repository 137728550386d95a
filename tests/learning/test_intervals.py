"""Properties of the watched-interval union (lms.learning.services.intervals)."""
from hypothesis import given
from hypothesis import strategies as st

from lms.learning.services.intervals import add_watched, budget_ms, clip, merge, to_ms, total, uncovered

DURATION = 600_000  # a 10-minute film, in ms
points = st.integers(min_value=-5_000, max_value=DURATION + 5_000)
segments = st.lists(st.tuples(points, points), max_size=12)
budgets = st.one_of(st.none(), st.integers(min_value=0, max_value=200_000))


def covers(intervals, point):
    return any(start <= point < end for start, end in intervals)


@given(segments)
def test_merge_is_sorted_disjoint_and_covers_the_same_points(raw):
    merged = merge(raw)
    assert all(a_end < b_start for (_, a_end), (b_start, _) in zip(merged, merged[1:], strict=False))
    assert all(start < end for start, end in merged)
    for start, end in raw:
        for point in (start, (start + end) // 2, end - 1):
            if start <= point < end:
                assert covers(merged, point)


@given(segments, segments)
def test_union_is_independent_of_order_without_budget(first, second):
    a, _ = add_watched([], first + second, DURATION)
    b, _ = add_watched([], list(reversed(second)) + first, DURATION)
    c, _ = add_watched(add_watched([], second, DURATION)[0], first, DURATION)
    assert a == b == c


@given(segments, segments)
def test_idempotent_without_budget(existing, claimed):
    once, _ = add_watched(add_watched([], existing, DURATION)[0], claimed, DURATION)
    twice, gained = add_watched(once, claimed, DURATION)
    assert twice == once and gained == 0


@given(segments, segments, budgets)
def test_never_above_the_duration_and_never_below_zero(existing, claimed, budget):
    covered, _ = add_watched([], existing, DURATION)
    result, _ = add_watched(covered, claimed, DURATION, budget)
    assert 0 <= total(result) <= DURATION
    assert all(0 <= start < end <= DURATION for start, end in result)


@given(segments, segments, budgets)
def test_monotone_and_gain_is_exact_and_within_budget(existing, claimed, budget):
    covered, _ = add_watched([], existing, DURATION)
    result, gained = add_watched(covered, claimed, DURATION, budget)
    assert total(result) == total(covered) + gained
    for start, end in covered:  # nothing once covered is lost
        assert uncovered((start, end), result) == []
    if budget is not None:
        assert gained <= budget


def test_seeking_to_the_end_then_watching_the_last_seconds_covers_only_those():
    covered, gained = add_watched([], [(DURATION - 5_000, DURATION)], DURATION, budget_ms(None))
    assert covered == [(DURATION - 5_000, DURATION)] and gained == 5_000


def test_a_beacon_claiming_the_whole_film_at_once_gets_only_its_budget():
    covered, gained = add_watched([], [(0, DURATION)], DURATION, budget_ms(10))
    assert gained == 35_000 and covered == [(0, 35_000)]


def test_watching_the_same_minute_twice_counts_once():
    covered, _ = add_watched([], [(0, 60_000)], DURATION)
    covered, gained = add_watched(covered, [(0, 60_000)], DURATION, budget_ms(60))
    assert gained == 0 and total(covered) == 60_000


def test_budget_rule_of_the_contract():
    assert budget_ms(None) == 15_000  # first beacon
    assert budget_ms(10) == 35_000
    assert budget_ms(600) == budget_ms(60) == 135_000
    assert budget_ms(-3) == 15_000  # a clock going backwards never gives more
    # all beacons together: 2 × t + 15 s, t the seconds since the first one, less what they already added
    assert budget_ms(0.1, 0.1, 15_000) == 200
    assert budget_ms(10, 30, 40_000) == 35_000  # the beacon's own allowance is the smaller
    assert budget_ms(10, 30, 60_000) == 15_000
    assert budget_ms(10, 30, 80_000) == 0       # never below nothing
    assert budget_ms(600, 600, 0) == 135_000


def test_clip_and_to_ms():
    assert clip([(-1_000, 2_000), (5_000, 4_000), (DURATION - 1, DURATION + 9)], DURATION) == [
        (0, 2_000), (DURATION - 1, DURATION)]
    assert to_ms(12.5) == 12_500
