"""What each role of a team project may read and write, as PostgreSQL grants and policies.

See docs/team.md. ``current_user`` is the person; their layer is the coder row of that name.
- coder: the documents assigned to them, the codebook and settings, and only their own
  annotations, links, statuses and audit entries; writes only their own layer, on documents
  assigned to them; never gold.
- reviewer: every document and status; every layer of a document whose assigned coders are
  all done ("ready for review"), and gold everywhere; writes only gold (and their own audit
  entries).
- manager: everything.
A table not listed here is for managers only.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from annotator.core.records import GOLD
from annotator.store.team_roles import PREFIX_KEY, ROLES, group, quote_ident

MINE = "(SELECT c.id FROM coder c WHERE c.name = current_user)"
GOLD_ID = f"(SELECT c.id FROM coder c WHERE c.name = '{GOLD}')"


# Both tests are uncorrelated subqueries, so the server computes each set once per statement
# (a hashed subplan) instead of once per row (tests/benchmarks/bench_team.py).
MY_DOCUMENTS = f"(SELECT a.document_id FROM assignment a WHERE a.coder_id = {MINE})"
READY_DOCUMENTS = (
    "(SELECT a.document_id FROM assignment a LEFT JOIN document_status s "
    "ON s.document_id = a.document_id AND s.coder_id = a.coder_id AND s.status = 'done' "
    "GROUP BY a.document_id HAVING bool_and(s.document_id IS NOT NULL))"
)


def assigned_to_me(document: str) -> str:
    return f"{document} IN {MY_DOCUMENTS}"


def ready_for_review(document: str) -> str:
    """Assigned to someone, and every assigned coder has marked it done."""
    return f"{document} IN {READY_DOCUMENTS}"


# table -> role -> privileges (managers get ALL on every table)
GRANTS: dict[str, dict[str, str]] = {
    "alembic_version": {"coder": "SELECT", "reviewer": "SELECT"},
    "project_setting": {"coder": "SELECT", "reviewer": "SELECT"},
    "codebook_version": {"coder": "SELECT", "reviewer": "SELECT"},
    "document": {"coder": "SELECT", "reviewer": "SELECT"},
    "coder": {"coder": "SELECT", "reviewer": "SELECT"},
    "assignment": {"coder": "SELECT", "reviewer": "SELECT"},
    "annotation": {"coder": "SELECT, INSERT, UPDATE", "reviewer": "SELECT, INSERT, UPDATE"},
    "link": {"coder": "SELECT, INSERT, UPDATE", "reviewer": "SELECT, INSERT, UPDATE"},
    "document_status": {"coder": "SELECT, INSERT, UPDATE", "reviewer": "SELECT, INSERT, UPDATE"},
    "audit": {"coder": "SELECT, INSERT", "reviewer": "SELECT, INSERT"},
    "actor": {"coder": "SELECT, INSERT", "reviewer": "SELECT, INSERT"},
    "place": {"coder": "SELECT", "reviewer": "SELECT"},
}

LAYERED = ("annotation", "link", "document_status")


def policies(table: str, groups: dict[str, str]) -> list[str]:
    """CREATE POLICY statements for ``table``; ``groups`` maps role to its quoted group role."""
    coder, reviewer, manager = groups["coder"], groups["reviewer"], groups["manager"]

    def policy(name: str, command: str, role: str, using: str | None, check: str | None) -> str:
        sql = f'CREATE POLICY "{name}" ON "{table}" FOR {command} TO {role}'
        if using is not None:
            sql += f" USING ({using})"
        if check is not None:
            sql += f" WITH CHECK ({check})"
        return sql

    out = [
        policy("manager_all", "ALL", manager, "true", "true"),
        # The owner's own functions (GOLD_STALE_FUNCTION) act on every row.
        policy("owner_all", "ALL", groups["owner"], "true", "true"),
    ]
    if table in ("project_setting", "codebook_version", "place"):
        out.append(policy("members_read", "SELECT", f"{coder}, {reviewer}", "true", None))
    elif table == "document":
        out.append(policy("coder_read", "SELECT", coder, assigned_to_me("document.id"), None))
        out.append(policy("reviewer_read", "SELECT", reviewer, "true", None))
    elif table == "coder":
        out.append(policy("coder_read", "SELECT", coder, "name = current_user", None))
        out.append(policy("reviewer_read", "SELECT", reviewer, "true", None))
    elif table == "assignment":
        out.append(policy("coder_read", "SELECT", coder, f"coder_id = {MINE}", None))
        out.append(policy("reviewer_read", "SELECT", reviewer, "true", None))
    elif table in LAYERED:
        own = f"coder_id = {MINE}"
        mine_assigned = f"{own} AND {assigned_to_me(f'{table}.document_id')}"
        out.append(policy("coder_read", "SELECT", coder, own, None))
        out.append(policy("coder_insert", "INSERT", coder, None, mine_assigned))
        out.append(policy("coder_update", "UPDATE", coder, own, mine_assigned))
        gold = f"coder_id = {GOLD_ID}"
        visible = (
            "true"
            if table == "document_status"  # statuses say what is ready; they hold no work
            else f"{gold} OR {ready_for_review(f'{table}.document_id')}"
        )
        out.append(policy("reviewer_read", "SELECT", reviewer, visible, None))
        out.append(policy("reviewer_insert", "INSERT", reviewer, None, gold))
        out.append(policy("reviewer_update", "UPDATE", reviewer, gold, gold))
    elif table == "actor":
        # The registry is shared; an entry proposed but not approved yet is its proposer's.
        seen = "approved OR created_by = current_user"
        out.append(policy("coder_read", "SELECT", coder, seen, None))
        out.append(policy("reviewer_read", "SELECT", reviewer, "true", None))
        own = "created_by = current_user"
        out.append(policy("members_add", "INSERT", f"{coder}, {reviewer}", None, own))
    elif table == "audit":
        out.append(policy("coder_read", "SELECT", coder, "coder = current_user", None))
        out.append(policy("coder_insert", "INSERT", coder, None, "coder = current_user"))
        seen = "coder = current_user OR document_id IS NULL OR " + ready_for_review(
            "audit.document_id"
        )
        out.append(policy("reviewer_read", "SELECT", reviewer, seen, None))
        out.append(policy("reviewer_insert", "INSERT", reviewer, None, "coder = current_user"))
    return out


# A coder's change after gold was marked done makes that gold stale (docs/team.md). The coder
# cannot see gold, so on a team project the server does it: this function runs as the owner.
GOLD_STALE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION annotator_gold_stale() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    gold integer;
BEGIN
    SELECT id INTO gold FROM coder WHERE name = '{GOLD}';
    IF gold IS NULL OR NEW.coder_id = gold THEN
        RETURN NULL;
    END IF;
    UPDATE document_status SET status = 'stale', updated_at = now() AT TIME ZONE 'UTC'
        WHERE document_id = NEW.document_id AND coder_id = gold AND status = 'done';
    IF FOUND THEN
        INSERT INTO audit (at, coder, action, document_id, entity, entity_id, detail)
        VALUES (now() AT TIME ZONE 'UTC', session_user, 'gold_stale', NEW.document_id,
                'document', NEW.document_id, '{{"layer": "{GOLD}"}}');
    END IF;
    RETURN NULL;
END
$$
"""
GOLD_STALE_TABLES = ("annotation", "link")


# ------------------------------------------------------------------------- applying them
# (here, below the engine: migrating a team project's schema applies them again)


def secure(conn: Connection, prefix: str) -> None:
    """Owner, grants and row-level security on every table (idempotent; run after migrations).

    A table the policies do not describe is left to managers only: safe by default.
    """
    owner = quote_ident(group(prefix, "owner"))
    groups = {role: quote_ident(group(prefix, role)) for role in (*ROLES, "owner")}
    names = [t.name for t in SQLModel.metadata.sorted_tables] + ["alembic_version"]
    for table in names:
        t = quote_ident(table)
        conn.execute(text(f"ALTER TABLE {t} OWNER TO {owner}"))
        conn.execute(text(f"REVOKE ALL ON {t} FROM PUBLIC"))
        for role in ROLES:
            conn.execute(text(f"REVOKE ALL ON {t} FROM {groups[role]}"))
        conn.execute(text(f"GRANT ALL ON {t} TO {groups['manager']}"))
        for role in ("coder", "reviewer"):
            privileges = GRANTS.get(table, {}).get(role)
            if privileges:
                conn.execute(text(f"GRANT {privileges} ON {t} TO {groups[role]}"))
        if table == "alembic_version":
            continue  # the schema revision: no one's work, readable by all members
        conn.execute(text(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY"))
        conn.execute(text(f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY"))
        existing = (
            conn.execute(
                text(
                    "SELECT policyname FROM pg_policies "
                    "WHERE tablename = :t AND schemaname = 'public'"
                ),
                {"t": table},
            )
            .scalars()
            .all()
        )
        for name in existing:
            conn.execute(text(f"DROP POLICY {quote_ident(name)} ON {t}"))
        for statement in policies(table, groups):
            conn.execute(text(statement))
    for role in ROLES:
        conn.execute(
            text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {groups[role]}")
        )
    conn.execute(text(GOLD_STALE_FUNCTION))
    for table in GOLD_STALE_TABLES:
        conn.execute(text(f'DROP TRIGGER IF EXISTS annotator_gold_stale ON "{table}"'))
        conn.execute(
            text(
                f'CREATE TRIGGER annotator_gold_stale AFTER INSERT OR UPDATE ON "{table}" '
                "FOR EACH ROW EXECUTE FUNCTION annotator_gold_stale()"
            )
        )
    functions = conn.execute(
        text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND p.proname LIKE 'annotator%'"
        )
    ).scalars()
    for signature in list(functions):
        conn.execute(text(f"ALTER FUNCTION {signature} OWNER TO {owner}"))


def secure_after_upgrade(conn: Connection) -> None:
    """After a schema upgrade of a team project: the same protection for every table, new
    ones included (run by a manager, who may act as the owner)."""
    if conn.dialect.name != "postgresql":
        return
    prefix = conn.execute(
        text("SELECT value FROM project_setting WHERE key = :k"), {"k": PREFIX_KEY}
    ).scalar_one_or_none()
    if prefix:
        secure(conn, str(prefix))
