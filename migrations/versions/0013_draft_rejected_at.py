"""draft rejection: a rejected draft is kept, marked, so that it can be restored (issue 16, point 7)

Revision ID: 0013
Revises: 0012

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question') as batch_op:
        batch_op.add_column(sa.Column('rejected_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('question') as batch_op:
        batch_op.drop_column('rejected_at')
