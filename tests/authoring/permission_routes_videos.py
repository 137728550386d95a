"""The trainers' video library pages (lms/authoring/views/videos.py) in the permission matrix.

Trainers and coordinators see the library and upload; a video's page and its changes are for its owner
(the matrix's video belongs to people[TRAINER]), a trainer of a course that uses it and coordinators (who
do not own it): another trainer gets 403, as in the API. Learners get 403, anonymous visitors go to sign in.
The generic form body (only the CSRF token) gives a deterministic answer: no file, so 422 for the
two uploads; an empty transcript goes back to the French captions' text, so 302.
"""
from tests.permission_matrix import editors_only, staff_only

ROUTES = [
    ("GET", "/edition/videos", None, staff_only(200, anon=302)),
    ("POST", "/edition/videos", {}, staff_only(422, anon=302)),
    ("GET", "/edition/videos/<int:video_id>", None, editors_only(200, anon=302)),
    ("POST", "/edition/videos/<int:video_id>/sous-titres", {}, editors_only(422, anon=302)),
    ("POST", "/edition/videos/<int:video_id>/transcription", {}, editors_only(302, anon=302)),
]
