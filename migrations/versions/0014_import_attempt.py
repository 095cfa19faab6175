"""article imports run by a job queue: each run of an import takes the next attempt number, and a
link is fetched by the job, not the request (issue 17)

A worker killed mid-import leaves it "running"; the import is queued again
and its next run claims attempt n + 1, so the old run, should it come back,
can no longer commit a chunk.

Revision ID: 0014
Revises: 0013

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('article_import') as batch_op:
        batch_op.add_column(sa.Column('attempt', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('source_url', sa.String(2000), nullable=True))


def downgrade():
    with op.batch_alter_table('article_import') as batch_op:
        batch_op.drop_column('source_url')
        batch_op.drop_column('attempt')
