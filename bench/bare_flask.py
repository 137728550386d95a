"""The framework ceiling of bench/learner_load.py: a Flask app with one JSON POST route and no database.

What the same gunicorn configuration serves when a request costs nothing but HTTP, Flask routing and JSON
in and out: no auth, no SQL, no commit. Every request of the real app pays this before its own work.

    gunicorn 'bench.bare_flask:app'
"""
from __future__ import annotations

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/beacon")
def beacon():
    body = request.get_json()
    return jsonify({"watched_ratio": 0.5, "completed": False, "position_s": body.get("position_s", 0)})
