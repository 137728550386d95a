"""outbox task triggers

Revision ID: 0004_outbox_tasks
Revises: 0003_courses
Create Date: 2026-11-22 10:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_outbox_tasks'
down_revision = '0003_courses'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('task', sa.String(length=200), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_tasks')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_tasks_dedupe_key'))
    )
    with op.batch_alter_table('outbox_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_tasks_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_tasks_status'))
    op.drop_table('outbox_tasks')
