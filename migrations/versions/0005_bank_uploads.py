"""bank uploads: a teacher's bank file kept between preview and confirmation

Revision ID: 0005
Revises: 0004

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bank_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('fmt', sa.String(length=16), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('questions', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['teacher_id'], ['user.id'], name='fk_bank_upload_teacher'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('bank_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_upload_teacher_id'), ['teacher_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_upload_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('bank_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_upload_created_at'))
        batch_op.drop_index(batch_op.f('ix_bank_upload_teacher_id'))

    op.drop_table('bank_upload')
