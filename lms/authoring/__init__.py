"""Courses, modules, items, quizzes and videos: what trainers build and learners follow."""
from flask import Blueprint

bp = Blueprint("authoring", __name__)
