"""LTI 1.3 (issue 18): platforms, the tool's keys, the OIDC store, linked accounts, courses, links and
grades on their way back; an admin flag on users

Revision ID: 0017
Revises: 0016

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    # a plain ALTER TABLE ADD COLUMN on every database: a batch rebuild of "user" on SQLite would
    # drop the table every answer, attempt and token refers to, which its foreign keys refuse
    op.add_column('user', sa.Column('is_admin', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'lti_platform',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(120), nullable=False),
        sa.Column('issuer', sa.String(255), nullable=False),
        sa.Column('client_id', sa.String(255), nullable=False),
        sa.Column('deployment_ids', sa.JSON(), nullable=False),
        sa.Column('auth_login_url', sa.String(500), nullable=False),
        sa.Column('auth_token_url', sa.String(500), nullable=False),
        sa.Column('key_set_url', sa.String(500), nullable=False),
        sa.Column('auth_audience', sa.String(500), nullable=True),
        sa.Column('frame_origins', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('issuer', 'client_id', name='uq_lti_platform_issuer_client'),
    )
    op.create_table(
        'lti_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kid', sa.String(64), nullable=False),
        sa.Column('private_pem', sa.Text(), nullable=False),
        sa.Column('public_jwk', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('retired_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kid'),
    )
    op.create_table(
        'lti_store',
        sa.Column('key', sa.String(255), nullable=False),
        sa.Column('value', sa.JSON(), nullable=True),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('lti_store') as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_store_expires_at'), ['expires_at'], unique=False)
    op.create_table(
        'lti_account',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('issuer', sa.String(255), nullable=False),
        sa.Column('subject', sa.String(255), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platform.id'], name='fk_lti_account_platform'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name='fk_lti_account_user'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('issuer', 'subject', name='uq_lti_account_issuer_subject'),
    )
    with op.batch_alter_table('lti_account') as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_account_platform_id'), ['platform_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lti_account_user_id'), ['user_id'], unique=False)
    op.create_table(
        'lti_context',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('context_id', sa.String(255), nullable=False),
        sa.Column('classroom_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(255), nullable=False),
        sa.Column('memberships_url', sa.String(500), nullable=True),
        sa.Column('synced_at', sa.DateTime(), nullable=True),
        sa.Column('sync_message', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platform.id'], name='fk_lti_context_platform'),
        sa.ForeignKeyConstraint(['classroom_id'], ['classroom.id'], name='fk_lti_context_classroom'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('platform_id', 'context_id', name='uq_lti_context_platform_context'),
    )
    with op.batch_alter_table('lti_context') as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_context_classroom_id'), ['classroom_id'], unique=False)
    op.create_table(
        'lti_resource_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('resource_link_id', sa.String(255), nullable=False),
        sa.Column('context_id', sa.Integer(), nullable=True),
        sa.Column('quiz_id', sa.Integer(), nullable=True),
        sa.Column('deployment_id', sa.String(255), nullable=False),
        sa.Column('lineitem_url', sa.String(500), nullable=True),
        sa.Column('lineitems_url', sa.String(500), nullable=True),
        sa.Column('ags_scopes', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platform.id'], name='fk_lti_link_platform'),
        sa.ForeignKeyConstraint(['context_id'], ['lti_context.id'], name='fk_lti_link_context'),
        sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name='fk_lti_link_quiz'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('platform_id', 'resource_link_id', name='uq_lti_link_platform_link'),
    )
    with op.batch_alter_table('lti_resource_link') as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_resource_link_context_id'), ['context_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lti_resource_link_quiz_id'), ['quiz_id'], unique=False)
    op.create_table(
        'lti_grade',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('link_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(255), nullable=False),
        sa.Column('state', sa.String(16), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('percent', sa.Double(), nullable=True),
        sa.Column('sent_percent', sa.Double(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['link_id'], ['lti_resource_link.id'], name='fk_lti_grade_link'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name='fk_lti_grade_user'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('link_id', 'user_id', name='uq_lti_grade_link_user'),
    )
    with op.batch_alter_table('lti_grade') as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_grade_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lti_grade_state'), ['state'], unique=False)


def downgrade():
    op.drop_table('lti_grade')
    op.drop_table('lti_resource_link')
    op.drop_table('lti_context')
    op.drop_table('lti_account')
    op.drop_table('lti_store')
    op.drop_table('lti_key')
    op.drop_table('lti_platform')
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's own DROP COLUMN (3.35+): a batch rebuild of "user" would drop the table every
        # answer, attempt and token refers to, which its foreign keys refuse on a database in use
        op.execute('ALTER TABLE "user" DROP COLUMN is_admin')
    else:
        op.drop_column('user', 'is_admin')
