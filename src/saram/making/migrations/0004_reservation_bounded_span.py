"""Reservations last at most 14 days, checked by the database; the overlap check then looks
back only 14 days from a new row's start, an index range instead of a scan of the machine's
whole history (the calendar's query uses the same bound)."""

from django.db import migrations

HOLDING = "('booked', 'attended', 'no_show')"
MAX_DAYS = 14

PG_FORWARD = [
    "ALTER TABLE making_reservation ADD CONSTRAINT reservation_at_most_14_days "
    f"CHECK (ends_at - starts_at <= interval '{MAX_DAYS} days')",
]
PG_BACKWARD = [
    "ALTER TABLE making_reservation DROP CONSTRAINT IF EXISTS reservation_at_most_14_days",
]

_SQLITE_BODY = (
    "BEGIN "
    f"SELECT RAISE(ABORT, 'reservation_too_long') WHERE julianday(NEW.ends_at) - "
    f"julianday(NEW.starts_at) > {MAX_DAYS}; "
    f"SELECT RAISE(ABORT, 'reservation_no_overlap') WHERE NEW.status IN {HOLDING} AND EXISTS ("
    "SELECT 1 FROM making_reservation r WHERE r.machine_id = NEW.machine_id "
    f"AND r.id IS NOT NEW.id AND r.status IN {HOLDING} "
    f"AND r.starts_at >= strftime('%Y-%m-%d %H:%M:%f', NEW.starts_at, '-{MAX_DAYS} days') "
    "AND r.starts_at < NEW.ends_at AND r.ends_at > NEW.starts_at); "
    "END"
)
SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS reservation_no_overlap_insert",
    "DROP TRIGGER IF EXISTS reservation_no_overlap_update",
    "CREATE TRIGGER reservation_no_overlap_insert BEFORE INSERT ON making_reservation "
    + _SQLITE_BODY,
    "CREATE TRIGGER reservation_no_overlap_update BEFORE UPDATE OF machine_id, starts_at, "
    "ends_at, status ON making_reservation " + _SQLITE_BODY,
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("making", "0003_reservation_no_overlap")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD}),
        )
    ]
