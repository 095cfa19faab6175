"""the bank file a question was first imported from (issue 15, point 6)

Revision ID: 0009
Revises: 0008

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question') as batch_op:
        batch_op.add_column(sa.Column('import_source', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('question') as batch_op:
        batch_op.drop_column('import_source')
