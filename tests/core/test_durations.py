"""One way to write a duration (lms.core.durations), French typographic usage, no-break spaces."""
import pytest

from lms.core.durations import format_duration, format_time_spent


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (0, "s", "0 s"), (45, "s", "45 s"), (45.4, "s", "45 s"), (59.6, "s", "1 min"), (65.2, "s", "1 min 05 s"),
    (720, "s", "12 min"), (3600, "s", "1 h"), (3900, "s", "1 h 05 min"), (3905, "s", "1 h 05 min 05 s"),
    (12, "min", "12 min"), (95, "min", "1 h 35 min"), (120, "min", "2 h"), (754_000, "ms", "12 min 34 s"),
])
def test_durations(value, unit, expected):
    assert format_duration(value, unit) == expected.replace(" ", "\u00a0")


def test_a_missing_duration_and_a_time_spent():
    assert format_duration(None) == "—" and format_duration(None, "min", missing="non précisée") == "non précisée"
    assert format_time_spent(59, "moins d'une minute") == "moins d'une minute"
    assert format_time_spent(754, "moins d'une minute") == "12\u00a0min"  # whole minutes, seconds dropped
    assert format_time_spent(6720, "") == "1\u00a0h\u00a052\u00a0min"
