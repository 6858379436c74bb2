/**
 * The DuckDB analytics model. Bump SCHEMA_VERSION whenever a table, a column or a projection rule
 * changes: a file with another version is not migrated in place but rebuilt from the event history
 * (`npm run analytics -- rebuild`), which is the only migration an event-sourced read model needs.
 */
export const SCHEMA_VERSION = 1;

/*
 * Time. Every fact carries the envelope's `occurredAt` (the caller's clock when the decision was
 * recorded) as `valid_from`; facts that a later event ends or replaces carry `valid_to` (exclusive).
 * A report "as of" a date D sees every fact with valid_from before the end of D (Europe/Amsterdam) and
 * valid_to after it. Domain dates inside the data (completedOn, decidedOn) are kept as attributes,
 * e.g. to compare an MR decision with the deadline, but they do not decide what was known when.
 */
export const referenceTables = [
  `CREATE TABLE analytics_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
  `CREATE TABLE province (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL)`,
  `CREATE TABLE gemeente (
     code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, province_code VARCHAR NOT NULL,
     valid_to DATE, merged_into VARCHAR)`,
  `CREATE TABLE achterstand_band (
     code VARCHAR PRIMARY KEY, label VARCHAR NOT NULL, min_per_pupil DOUBLE NOT NULL, max_per_pupil DOUBLE,
     sort_order INTEGER NOT NULL)`,
  `CREATE TABLE sector_group (sector VARCHAR PRIMARY KEY, group_code VARCHAR NOT NULL, group_label VARCHAR NOT NULL)`,
  `CREATE TABLE menukaart_category (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL)`,
  `CREATE TABLE menukaart_intervention (
     code VARCHAR PRIMARY KEY, category VARCHAR NOT NULL, name VARCHAR NOT NULL, note VARCHAR, sort_order INTEGER NOT NULL)`,
  `CREATE TABLE menukaart_rating (
     code VARCHAR NOT NULL, edition VARCHAR NOT NULL, months INTEGER, evidence INTEGER, cost INTEGER,
     figures_read BOOLEAN NOT NULL, PRIMARY KEY (code, edition))`,
  `CREATE TABLE school_year (
     code VARCHAR PRIMARY KEY, start_date DATE NOT NULL, end_date DATE NOT NULL, edition VARCHAR NOT NULL,
     mr_deadline DATE NOT NULL)`,
] as const;

/*
 * Feed bookkeeping. A checkpoint is a set of (feed, partition) -> offset of the last event applied:
 * the store feed is one partition whose offsets are global positions; a Kafka feed has one row per
 * topic partition. It is written in the same transaction as the facts of the batch.
 * `stream_head` makes the projection idempotent by event: an event id is one (stream, position) in the
 * store, so an event at or below its stream's head was applied already (an at-least-once feed may
 * deliver it again under a new offset).
 */
export const feedTables = [
  `CREATE TABLE feed_checkpoint (
     feed VARCHAR NOT NULL, feed_partition INTEGER NOT NULL, feed_offset BIGINT NOT NULL,
     updated_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (feed, feed_partition))`,
  `CREATE TABLE stream_head (stream_id VARCHAR PRIMARY KEY, stream_position BIGINT NOT NULL)`,
  // One row per applied event (its facts carry the times): what "equal to the store" is checked against.
  `CREATE TABLE projected_event (
     event_id UUID NOT NULL, global_position BIGINT NOT NULL, stream_id VARCHAR NOT NULL,
     stream_position BIGINT NOT NULL, type VARCHAR NOT NULL, outcome VARCHAR NOT NULL)`,
  `CREATE TABLE quarantine (
     event_id VARCHAR, global_position BIGINT, stream_id VARCHAR, stream_position BIGINT, type VARCHAR,
     schema_version INTEGER, reason VARCHAR NOT NULL, payload VARCHAR NOT NULL, feed VARCHAR NOT NULL,
     feed_partition INTEGER NOT NULL, feed_offset BIGINT NOT NULL, quarantined_at TIMESTAMPTZ NOT NULL)`,
] as const;

export const factTables = [
  `CREATE TABLE school_version (
     brin VARCHAR NOT NULL, name VARCHAR NOT NULL, sector VARCHAR NOT NULL, sector_group VARCHAR NOT NULL,
     gemeente VARCHAR NOT NULL, pupils INTEGER NOT NULL, achterstandsscore DOUBLE NOT NULL,
     achterstand_band VARCHAR NOT NULL, valid_from TIMESTAMPTZ NOT NULL, valid_to TIMESTAMPTZ,
     event_id UUID NOT NULL, global_position BIGINT NOT NULL)`,
  `CREATE TABLE scan (
     brin VARCHAR NOT NULL, school_year VARCHAR NOT NULL, completed_on DATE NOT NULL,
     rekenen VARCHAR NOT NULL, taal VARCHAR NOT NULL, lezen VARCHAR NOT NULL, executieve_functies VARCHAR NOT NULL,
     sociaal_emotioneel VARCHAR NOT NULL, welbevinden VARCHAR NOT NULL,
     valid_from TIMESTAMPTZ NOT NULL, valid_to TIMESTAMPTZ, event_id UUID NOT NULL, global_position BIGINT NOT NULL)`,
  `CREATE TABLE choice (
     brin VARCHAR NOT NULL, school_year VARCHAR NOT NULL, code VARCHAR NOT NULL, category VARCHAR NOT NULL,
     target_domains VARCHAR NOT NULL, planned_budget_cents BIGINT NOT NULL, pupils_reached INTEGER NOT NULL,
     valid_from TIMESTAMPTZ NOT NULL, valid_to TIMESTAMPTZ, event_id UUID NOT NULL, withdrawal_event_id UUID,
     global_position BIGINT NOT NULL)`,
  `CREATE TABLE mr_decision (
     brin VARCHAR NOT NULL, school_year VARCHAR NOT NULL, decision VARCHAR NOT NULL, plan_version INTEGER NOT NULL,
     decided_on DATE NOT NULL, valid_from TIMESTAMPTZ NOT NULL, valid_to TIMESTAMPTZ, event_id UUID NOT NULL,
     global_position BIGINT NOT NULL)`,
  `CREATE TABLE school_allocation (
     brin VARCHAR NOT NULL, school_year VARCHAR NOT NULL, amount_cents BIGINT NOT NULL, basis VARCHAR NOT NULL,
     occurred_at TIMESTAMPTZ NOT NULL, event_id UUID NOT NULL, global_position BIGINT NOT NULL)`,
  `CREATE TABLE gemeente_allocation (
     gemeente VARCHAR NOT NULL, school_year VARCHAR NOT NULL, amount_cents BIGINT NOT NULL, basis VARCHAR NOT NULL,
     occurred_at TIMESTAMPTZ NOT NULL, event_id UUID NOT NULL, global_position BIGINT NOT NULL)`,
  `CREATE TABLE evaluation (
     brin VARCHAR NOT NULL, school_year VARCHAR NOT NULL, code VARCHAR NOT NULL, implemented_as_planned VARCHAR NOT NULL,
     experienced_effect TINYINT NOT NULL, effect_size DOUBLE, effect_pupils INTEGER, instrument VARCHAR,
     valid_from TIMESTAMPTZ NOT NULL, valid_to TIMESTAMPTZ, event_id UUID NOT NULL, global_position BIGINT NOT NULL)`,
] as const;

/*
 * As-of access. `as_of_cutoff(d)` is the first instant after calendar day d in Dutch time; a fact is
 * known as of d when it started before that instant, and still valid when it ended at or after it.
 * Every report reads facts through these macros, so "as of" means the same everywhere.
 */
export const asOfMacros = [
  `CREATE MACRO as_of_cutoff(d) AS timezone('Europe/Amsterdam', (CAST(d AS DATE) + 1)::TIMESTAMP)`,
  `CREATE MACRO school_at(cutoff) AS TABLE
     SELECT * FROM school_version WHERE valid_from < cutoff AND (valid_to IS NULL OR valid_to >= cutoff)`,
  `CREATE MACRO scan_at(cutoff) AS TABLE
     SELECT * FROM scan WHERE valid_from < cutoff AND (valid_to IS NULL OR valid_to >= cutoff)`,
  `CREATE MACRO choice_at(cutoff) AS TABLE
     SELECT * FROM choice WHERE valid_from < cutoff AND (valid_to IS NULL OR valid_to >= cutoff)`,
  `CREATE MACRO mr_decision_at(cutoff) AS TABLE
     SELECT * FROM mr_decision WHERE valid_from < cutoff AND (valid_to IS NULL OR valid_to >= cutoff)`,
  `CREATE MACRO evaluation_at(cutoff) AS TABLE
     SELECT * FROM evaluation WHERE valid_from < cutoff AND (valid_to IS NULL OR valid_to >= cutoff)`,
  // Plan version as of the cutoff: every choice and every withdrawal known by then (the decider counts both).
  `CREATE MACRO plan_version_at(cutoff) AS TABLE
     SELECT brin, school_year,
            count(*) FILTER (WHERE valid_from < cutoff) + count(*) FILTER (WHERE valid_to < cutoff) AS plan_version
     FROM choice GROUP BY brin, school_year`,
  `CREATE MACRO school_allocation_at(cutoff) AS TABLE SELECT * FROM school_allocation WHERE occurred_at < cutoff`,
  `CREATE MACRO gemeente_allocation_at(cutoff) AS TABLE SELECT * FROM gemeente_allocation WHERE occurred_at < cutoff`,
] as const;

/** Per-connection staging of the stream heads a batch moves (upserted in one statement). */
export const stagingTables = [
  `CREATE TEMP TABLE IF NOT EXISTS stg_stream_head (stream_id VARCHAR NOT NULL, stream_position BIGINT NOT NULL)`,
] as const;
