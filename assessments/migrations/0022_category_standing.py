"""Each category's standing (assessments/standings.py): PostgreSQL only, kept by triggers.

Two tables no model maps (their reads are width_bucket() searches and their writes triggers),
and the statement triggers that log a change of a category's scored assessments. Elsewhere
(SQLite) nothing is created: the percentile counts its peers directly there.
"""

from django.db import migrations

CREATE = """
CREATE TABLE assessments_category_standing (
    category_id bigint PRIMARY KEY,
    -- The readiness indexes of the category's scored assessments, smallest first.
    indexes double precision[] NOT NULL,
    brands integer NOT NULL
);
-- Read whole on every percentile: kept uncompressed, so no read pays to decompress it.
ALTER TABLE assessments_category_standing ALTER COLUMN indexes SET STORAGE EXTERNAL;

CREATE TABLE assessments_standing_change (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_id bigint NOT NULL
);
CREATE INDEX assessments_standing_change_category ON assessments_standing_change (category_id);

-- Rows inserted or deleted: both triggers name their transition table `touched_rows`.
CREATE FUNCTION assessments_standing_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO assessments_standing_change (category_id)
    SELECT DISTINCT category_id FROM touched_rows WHERE status = 'scored';
    RETURN NULL;
END $$;

-- Only the columns a standing reads: a draft's autosave logs nothing.
CREATE FUNCTION assessments_standing_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO assessments_standing_change (category_id)
    SELECT DISTINCT moved.category_id
    FROM new_rows n
    JOIN old_rows o ON o.id = n.id
    CROSS JOIN LATERAL (VALUES (o.category_id), (n.category_id)) AS moved (category_id)
    WHERE (o.status = 'scored' OR n.status = 'scored')
      AND (o.status, o.result_id, o.category_id, o.brand_id)
          IS DISTINCT FROM (n.status, n.result_id, n.category_id, n.brand_id);
    RETURN NULL;
END $$;

-- TRUNCATE (a test database's flush) fires no row or statement trigger of the others.
CREATE FUNCTION assessments_standing_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM assessments_category_standing;
    DELETE FROM assessments_standing_change;
    RETURN NULL;
END $$;

-- Build a category's standing again, unless a concurrent rebuild just did. In a PL/pgSQL
-- function each statement takes its own snapshot: the one after the lock sees what the lock's
-- previous holder committed, and the rebuild deletes the change rows its own peers include.
CREATE FUNCTION assessments_standing_rebuild(p_category bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(21004, p_category::integer);
    IF EXISTS (SELECT 1 FROM assessments_standing_change WHERE category_id = p_category)
       OR NOT EXISTS (SELECT 1 FROM assessments_category_standing WHERE category_id = p_category)
    THEN
        WITH seen AS (
            DELETE FROM assessments_standing_change WHERE category_id = p_category
        ), peers AS (
            SELECT r.readiness_index, a.brand_id
            FROM assessments_assessment a
            JOIN assessments_result r ON r.id = a.result_id
            WHERE a.category_id = p_category AND a.status = 'scored'
              AND r.readiness_index IS NOT NULL
        )
        INSERT INTO assessments_category_standing (category_id, indexes, brands)
        SELECT p_category, COALESCE(array_agg(readiness_index ORDER BY readiness_index), '{}'),
               count(DISTINCT brand_id)
        FROM peers
        ON CONFLICT (category_id)
        DO UPDATE SET indexes = EXCLUDED.indexes, brands = EXCLUDED.brands;
    END IF;
END $$;

-- The other brands' scored assessments of a category against one index: brands, all of them,
-- those below it and those equal to it. The standing and the brand's own assessments are read
-- in one statement (one snapshot), and only from a standing with no change logged in it.
-- p_just_below is the float just below p_index: indexes below p_index are those <= it.
CREATE FUNCTION assessments_peer_counts(
    p_category bigint, p_brand bigint, p_index double precision, p_just_below double precision
) RETURNS TABLE (peer_brands bigint, peer_total bigint, peer_below bigint, peer_equal bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_stale boolean;
BEGIN
    FOR attempt IN 1..3 LOOP
        SELECT
            EXISTS (
                SELECT 1 FROM assessments_standing_change c WHERE c.category_id = p_category
            ),
            s.brands - (own.total > 0)::integer,
            cardinality(s.indexes) - own.total,
            width_bucket(p_just_below, s.indexes) - own.below,
            width_bucket(p_index, s.indexes) - width_bucket(p_just_below, s.indexes) - own.equal
        INTO v_stale, peer_brands, peer_total, peer_below, peer_equal
        FROM assessments_category_standing s
        CROSS JOIN LATERAL (
            SELECT
                count(*) AS total,
                count(*) FILTER (WHERE r.readiness_index < p_index) AS below,
                count(*) FILTER (WHERE r.readiness_index = p_index) AS equal
            FROM assessments_assessment a
            JOIN assessments_result r ON r.id = a.result_id
            WHERE a.brand_id = p_brand AND a.category_id = p_category
              AND a.status = 'scored' AND r.readiness_index IS NOT NULL
        ) own
        WHERE s.category_id = p_category;
        IF FOUND AND NOT v_stale THEN
            RETURN NEXT;
            RETURN;
        END IF;
        PERFORM assessments_standing_rebuild(p_category);
    END LOOP;
    -- Written to faster than it is rebuilt: count the peers themselves (exact, slower).
    RETURN QUERY
    SELECT count(DISTINCT a.brand_id), count(*),
           count(*) FILTER (WHERE r.readiness_index < p_index),
           count(*) FILTER (WHERE r.readiness_index = p_index)
    FROM assessments_assessment a
    JOIN assessments_result r ON r.id = a.result_id
    WHERE a.category_id = p_category AND a.status = 'scored'
      AND r.readiness_index IS NOT NULL AND a.brand_id <> p_brand;
END $$;

CREATE TRIGGER standing_inserted AFTER INSERT ON assessments_assessment
    REFERENCING NEW TABLE AS touched_rows
    FOR EACH STATEMENT EXECUTE FUNCTION assessments_standing_touched();
CREATE TRIGGER standing_deleted AFTER DELETE ON assessments_assessment
    REFERENCING OLD TABLE AS touched_rows
    FOR EACH STATEMENT EXECUTE FUNCTION assessments_standing_touched();
CREATE TRIGGER standing_updated AFTER UPDATE ON assessments_assessment
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION assessments_standing_updated();
CREATE TRIGGER standing_truncated AFTER TRUNCATE ON assessments_assessment
    FOR EACH STATEMENT EXECUTE FUNCTION assessments_standing_truncated();
"""

DROP = """
DROP TRIGGER standing_truncated ON assessments_assessment;
DROP TRIGGER standing_updated ON assessments_assessment;
DROP TRIGGER standing_deleted ON assessments_assessment;
DROP TRIGGER standing_inserted ON assessments_assessment;
DROP FUNCTION assessments_peer_counts(bigint, bigint, double precision, double precision);
DROP FUNCTION assessments_standing_rebuild(bigint);
DROP FUNCTION assessments_standing_truncated();
DROP FUNCTION assessments_standing_updated();
DROP FUNCTION assessments_standing_touched();
DROP TABLE assessments_standing_change;
DROP TABLE assessments_category_standing;
"""


def _on_postgresql(statements: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            # No parameters: sent as one simple query, several statements at once.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(statements)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0021_invitation"),
    ]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
