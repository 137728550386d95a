"""HTML routes of the learning domain: ``course`` (catalogue, course and item pages), ``journey`` ("Mon
parcours", the player's beacons, texts marked read), ``quiz`` (attempts, review, results)."""
from lms.learning.views import course, journey, quiz  # noqa: F401  (their routes join the blueprint)
