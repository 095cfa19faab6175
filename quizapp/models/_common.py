"""Column helpers shared by the models."""

import datetime as dt


def utcnow() -> dt.datetime:
    """Timezone-naive UTC now, as stored in every timestamp column."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
