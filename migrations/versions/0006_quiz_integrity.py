"""quiz integrity: deferred reviews wait for their feedback; question pages served at a server time

Revision ID: 0006
Revises: 0005

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_pending', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table('question_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('shown_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name='fk_question_view_user'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'key', name='uq_question_view_user_key')
    )


def downgrade():
    op.drop_table('question_view')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_column('review_pending')
