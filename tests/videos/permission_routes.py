"""The video library's pages (lms/videos/views/library.py) and media files (views/media.py) in the permission matrix.

Trainers and coordinators see the library and upload; a video's page and its changes are for its owner
(the matrix's video belongs to people[TRAINER]), a trainer of a course that uses it and coordinators (who
do not own it): another trainer gets 403, as in the API. Learners get 403, anonymous visitors go to sign in.
The generic form body (only the CSRF token) gives a deterministic answer: no file, so 422 for the
two uploads; an empty transcript goes back to the French captions' text, so 302.
The media files take the session cookie or a bearer token; learners see them once the video is in a published
course (the matrix's is).
"""
from tests.permission_matrix import editors_only, signed_in, staff_only

ROUTES = [
    ("GET", "/edition/videos", None, staff_only(200, anon=302)),
    ("POST", "/edition/videos", {}, staff_only(422, anon=302)),
    ("GET", "/edition/videos/<int:video_id>", None, editors_only(200, anon=302)),
    ("POST", "/edition/videos/<int:video_id>/sous-titres", {}, editors_only(422, anon=302)),
    ("POST", "/edition/videos/<int:video_id>/transcription", {}, editors_only(302, anon=302)),
    ("GET", "/media/videos/<int:video_id>/stream.mp4", None, signed_in(200, anon=401)),
    ("GET", "/media/videos/<int:video_id>/poster.jpg", None, signed_in(200, anon=401)),
    ("GET", "/media/videos/<int:video_id>/captions/<lang>.vtt", None, signed_in(200, anon=401)),
]
