"""Courses as files (courses/README.md): validate a whole course folder, then create or update it in place.

Validation reads every file first and collects every fault (file, field or line); with any fault
nothing is written. The update matches modules by key within the course, items by key within their
module, questions and choices by position, so kept items keep their ids (learners' progress) and a
second import of unchanged files changes nothing.

reader.py (formats, CourseFilesInvalid, the file reader), checks.py (one item), validate.py (the
whole folder: read_course) and writer.py (import_course, ImportReport). Nothing here commits: the
caller (the import-course command) does.
"""
from .reader import CourseFilesInvalid
from .validate import read_course
from .writer import ImportReport, film_states, import_course

__all__ = ["CourseFilesInvalid", "ImportReport", "film_states", "import_course", "read_course"]
