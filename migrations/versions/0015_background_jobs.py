"""background jobs a teacher starts: bank imports above a size and whole-school score exports run on the
job queue, and the teacher follows them on a page (issue 17)

Revision ID: 0015
Revises: 0014

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'background_job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('teacher_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(32), nullable=False),
        sa.Column('state', sa.String(16), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(300), nullable=False),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['teacher_id'], ['user.id'], name='fk_background_job_teacher'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('background_job') as batch_op:
        batch_op.create_index(batch_op.f('ix_background_job_teacher_id'), ['teacher_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_background_job_state'), ['state'], unique=False)


def downgrade():
    with op.batch_alter_table('background_job') as batch_op:
        batch_op.drop_index(batch_op.f('ix_background_job_state'))
        batch_op.drop_index(batch_op.f('ix_background_job_teacher_id'))
    op.drop_table('background_job')
