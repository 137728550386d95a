"""items.video_grants_edit: a course lets its trainer change a video only through an item whose video was put
there by someone who could change it (its owner, a coordinator, or a trainer who already could)

Revision ID: 0010_video_grants_edit
Revises: 0009_sign_ins
Create Date: 2026-12-04 16:30:00

Items that exist before this revision were attached under the old rule (any trainer of a course using a video
could change it): they keep granting, true. From now on, another trainer who reuses a library video in their
own course does not gain the right to change its captions, transcript, title or file.
"""
import sqlalchemy as sa
from alembic import op

revision = '0010_video_grants_edit'
down_revision = '0009_sign_ins'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('video_grants_edit', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.alter_column('video_grants_edit', server_default=None)


def downgrade():
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_column('video_grants_edit')
