"""The trainers' video library pages (lms/authoring/views/videos.py) in the permission matrix.

Trainers and coordinators manage every video, as the API lets them (the matrix's video belongs to
people[TRAINER]; the coordinator does not own it); learners get 403, anonymous visitors go to sign in.
The generic form body (only the CSRF token) gives a deterministic answer: no file, so 422 for the
two uploads; an empty transcript goes back to the French captions' text, so 302.
"""
from tests.permission_matrix import staff_only

ROUTES = [
    ("GET", "/edition/videos", None, staff_only(200, anon=302)),
    ("POST", "/edition/videos", {}, staff_only(422, anon=302)),
    ("GET", "/edition/videos/<int:video_id>", None, staff_only(200, anon=302)),
    ("POST", "/edition/videos/<int:video_id>/sous-titres", {}, staff_only(422, anon=302)),
    ("POST", "/edition/videos/<int:video_id>/transcription", {}, staff_only(302, anon=302)),
]
