"""attempt flags: the questions a learner flagged for later (issue 16, point 1)

Revision ID: 0011
Revises: 0010

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt') as batch_op:
        batch_op.add_column(sa.Column('flagged', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade():
    with op.batch_alter_table('attempt') as batch_op:
        batch_op.drop_column('flagged')
