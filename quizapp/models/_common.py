"""Column helpers shared by the models."""

import datetime as dt

from sqlalchemy.dialects import postgresql, sqlite

#: the INSERT of each database the app runs on, by dialect name: unlike SQLAlchemy's generic one,
#: it has ON CONFLICT (DO NOTHING, DO UPDATE), which every upsert of the app uses
INSERT_FOR = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def utcnow() -> dt.datetime:
    """Timezone-naive UTC now, as stored in every timestamp column."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
