"""course content key

Revision ID: 0008_content_key
Revises: 0007_certificates
Create Date: 2026-12-01 22:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0008_content_key'
down_revision = '0007_certificates'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_key', sa.String(length=32), nullable=False, server_default=''))
    courses = sa.table('courses', sa.column('id', sa.Integer), sa.column('content_key', sa.String))
    connection = op.get_bind()
    for (course_id,) in connection.execute(sa.select(courses.c.id)).all():
        connection.execute(courses.update().where(courses.c.id == course_id)
                           .values(content_key=secrets.token_hex(8)))
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.alter_column('content_key', server_default=None)


def downgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('content_key')
