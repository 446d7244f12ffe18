"""No two holding reservations of one machine overlap, enforced by the database itself.

PostgreSQL: an exclusion constraint over tstzrange(starts_at, ends_at) with btree_gist for the
machine's equality. SQLite: triggers that abort an insert or update that would overlap; SQLite
runs one writer at a time, so the trigger's check and the write cannot be raced.
"""

from django.db import migrations

HOLDING = "('booked', 'attended', 'no_show')"

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE making_reservation ADD CONSTRAINT reservation_no_overlap EXCLUDE USING gist "
    "(machine_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
    f"WHERE (status IN {HOLDING})",
]
PG_BACKWARD = ["ALTER TABLE making_reservation DROP CONSTRAINT IF EXISTS reservation_no_overlap"]

_SQLITE_CHECK = (
    "WHEN NEW.status IN {holding} AND EXISTS (SELECT 1 FROM making_reservation r "
    "WHERE r.machine_id = NEW.machine_id AND r.id IS NOT NEW.id AND r.status IN {holding} "
    "AND r.starts_at < NEW.ends_at AND r.ends_at > NEW.starts_at) "
    "BEGIN SELECT RAISE(ABORT, 'reservation_no_overlap'); END"
).format(holding=HOLDING)
SQLITE_FORWARD = [
    "CREATE TRIGGER reservation_no_overlap_insert BEFORE INSERT ON making_reservation "
    + _SQLITE_CHECK,
    "CREATE TRIGGER reservation_no_overlap_update BEFORE UPDATE OF machine_id, starts_at, "
    "ends_at, status ON making_reservation " + _SQLITE_CHECK,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS reservation_no_overlap_insert",
    "DROP TRIGGER IF EXISTS reservation_no_overlap_update",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("making", "0002_courses_reservations_incubator_cluster_events")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
