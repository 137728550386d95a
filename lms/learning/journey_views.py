"""HTML routes of the learner's journey: "Mon parcours", progress beacons of the player, texts marked read."""
from lms.learning import bp  # noqa: F401
