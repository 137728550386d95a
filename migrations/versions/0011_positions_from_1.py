"""positions from 1: courses imported from files numbered their modules, items, questions and choices from 0
(the editors then showed « Module 0 » and misplaced their move buttons); every list is renumbered 1, 2, 3…
in its order. Data only, no schema change.

Revision ID: 0011_positions_from_1
Revises: 0010_video_grants_edit
Create Date: 2026-12-04 18:00:00
"""
from alembic import op

revision = '0011_positions_from_1'
down_revision = '0010_video_grants_edit'
branch_labels = None
depends_on = None

LISTS = (("modules", "course_id"), ("items", "module_id"), ("questions", "quiz_id"), ("choices", "question_id"))


def upgrade():
    for table, parent in LISTS:
        op.execute(
            f"UPDATE {table} SET position = (SELECT COUNT(*) FROM {table} AS o WHERE o.{parent} = {table}.{parent} "
            f"AND (o.position < {table}.position OR (o.position = {table}.position AND o.id <= {table}.id)))")


def downgrade():
    pass  # positions from 1 are valid for the previous revision too
