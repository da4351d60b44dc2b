/**
 * The hall's schema as an append-only list of numbered migrations that both engines run
 * (as the renderer's schema versions, docs/architecture.md §10.10). A change is a new entry at the end, never an edit of one already released: a
 * hall's database has run the old text. Only PostgreSQL 15 features (Debian's server; PGlite
 * is 18).
 *
 * Text compared or ordered (ids, ISO times) is `COLLATE "C"`: byte order, the same on every
 * server whatever locale its cluster was created with, and what the workstation's IndexedDB
 * indexes use.
 */
import type { Database } from './db';
import { sql } from './db';

/** One migration. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'the hall: identity, enrolment, streams, audit events, cases, tallies, objections, alerts, reviews, library cache',
    sql: `
-- The hall's own identity: its id and name, its SM2 key pair and the HMAC secret of holder keys.
CREATE TABLE hall_meta (key text COLLATE "C" PRIMARY KEY, value text NOT NULL);

-- One-time enrolment codes, kept as their SM3 (the code itself is shown once).
CREATE TABLE enrolment_codes (
  code_hash text PRIMARY KEY,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  used_by text
);

CREATE TABLE workstations (
  id text COLLATE "C" PRIMARY KEY,
  public_key text NOT NULL UNIQUE,
  enrolled_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_by text,
  revoke_reason text,
  epoch integer NOT NULL DEFAULT 1,
  last_seen_at timestamptz,
  last_push_at timestamptz,
  last_refusal_code text,
  last_refusal_at timestamptz
);

-- Every enrolment, also of a key later replaced (a revoked workstation enrolled again).
CREATE TABLE enrolments (
  workstation_id text COLLATE "C" NOT NULL,
  public_key text NOT NULL,
  enrolled_at timestamptz NOT NULL,
  PRIMARY KEY (workstation_id, enrolled_at)
);

-- Nonces seen within the clock window: a request carrying one again is a replay.
CREATE TABLE nonces (
  workstation_id text COLLATE "C" NOT NULL,
  nonce text COLLATE "C" NOT NULL,
  seen_at timestamptz NOT NULL,
  PRIMARY KEY (workstation_id, nonce)
);
CREATE INDEX nonces_seen ON nonces (seen_at);

-- Where each workstation's two streams stand, per epoch (the Replicache rule: moved in the same
-- transaction as the data). A new epoch starts when a supervisor acknowledges a chain alert.
-- id is the short key the audit events of one (workstation, epoch) are stored under.
CREATE TABLE streams (
  id integer GENERATED ALWAYS AS IDENTITY UNIQUE,
  workstation_id text COLLATE "C" NOT NULL REFERENCES workstations (id),
  epoch integer NOT NULL,
  audit_highest bigint NOT NULL DEFAULT 0,
  audit_last_hash text NOT NULL,
  records_highest bigint NOT NULL DEFAULT 0,
  head_seq bigint NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL,
  PRIMARY KEY (workstation_id, epoch)
);

-- The audit chains, each under its stream's id (streams.id: one workstation and epoch). body is
-- the canonical JSON of the event without its hash: exactly what was hashed after prev, verified
-- and shown. at, operator, kind and case_no index it for the trail's filters; each filter reads
-- one index ending in (at, seq). Every index is written for every event ingested, so their keys
-- are kept short: the stream's integer rather than the workstation's id and epoch took a quarter
-- off the server's time per event.
CREATE TABLE audit_events (
  stream integer NOT NULL,
  seq bigint NOT NULL,
  at text COLLATE "C" NOT NULL,
  operator text COLLATE "C",
  kind text COLLATE "C" NOT NULL,
  case_no text COLLATE "C",
  body text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (stream, seq)
);
CREATE INDEX audit_events_at ON audit_events (stream, at, seq);
CREATE INDEX audit_events_operator ON audit_events (stream, operator, at, seq);
CREATE INDEX audit_events_kind ON audit_events (stream, kind, at, seq);
CREATE INDEX audit_events_case ON audit_events (stream, case_no, at, seq);

-- The records stream: each (workstation, epoch, seq) once, with the SM3 of its content so that
-- a resent record is compared, not stored again.
CREATE TABLE records (
  workstation_id text COLLATE "C" NOT NULL,
  epoch integer NOT NULL,
  seq bigint NOT NULL,
  kind text NOT NULL,
  digest text NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (workstation_id, epoch, seq)
);

-- Cases in their purged form, the holder masked. counts holds the case's figures (what it adds
-- to the dashboard), latencies its timed pulls in whole ms; day is the Asia/Shanghai day of
-- completion.
CREATE TABLE cases (
  workstation_id text COLLATE "C" NOT NULL,
  case_no text COLLATE "C" NOT NULL,
  status text NOT NULL,
  training boolean NOT NULL,
  operator_id text COLLATE "C" NOT NULL,
  matter_code text NOT NULL,
  matter_name text NOT NULL,
  opened_at text NOT NULL,
  completed_at text COLLATE "C",
  day date,
  holder_type text,
  holder_masked text,
  holder_key text,
  counts jsonb NOT NULL,
  max_latency integer,
  latencies integer[] NOT NULL,
  record text NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (workstation_id, case_no)
);
CREATE INDEX cases_completed ON cases (day, completed_at, workstation_id, case_no) WHERE status = 'completed' AND NOT training;
CREATE INDEX cases_figures ON cases USING gin (counts);
CREATE INDEX cases_holder ON cases (holder_key);

-- The dashboard's daily tallies, kept at ingest: one row per day, window, clerk and figure.
CREATE TABLE case_tally (
  day date NOT NULL,
  workstation_id text COLLATE "C" NOT NULL,
  operator_id text COLLATE "C" NOT NULL,
  figure text COLLATE "C" NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (day, workstation_id, operator_id, figure)
);
-- Pull latencies of the whole hall per day, counted per whole millisecond: the percentiles of a
-- period read a few thousand rows, not every pull.
CREATE TABLE latency_tally (
  day date NOT NULL,
  ms integer NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (day, ms)
);

CREATE TABLE objections (
  workstation_id text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  licence_id text NOT NULL,
  dimension text NOT NULL,
  state text NOT NULL,
  issuer_code text,
  issuer_name text,
  filed_by text NOT NULL,
  filed_role text NOT NULL,
  filed_at text COLLATE "C" NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  holder_type text,
  holder_masked text,
  holder_key text,
  record text NOT NULL,
  last_epoch integer NOT NULL,
  last_seq bigint NOT NULL,
  PRIMARY KEY (workstation_id, id)
);
CREATE INDEX objections_filed ON objections (filed_at);
CREATE TABLE objection_states (
  workstation_id text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  at text COLLATE "C" NOT NULL,
  state text NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (workstation_id, id, at, state)
);

-- Each window's outbox as it last reported it.
CREATE TABLE outbox_status (
  workstation_id text COLLATE "C" PRIMARY KEY,
  reported_at text COLLATE "C" NOT NULL,
  usage_count integer NOT NULL,
  usage_oldest_at text,
  objection_count integer NOT NULL,
  objection_oldest_at text,
  needs_attention integer NOT NULL,
  received_at timestamptz NOT NULL
);

CREATE TABLE alerts (
  id text COLLATE "C" PRIMARY KEY,
  workstation_id text COLLATE "C" NOT NULL,
  epoch integer NOT NULL,
  seq bigint,
  reason text NOT NULL,
  detail text NOT NULL,
  raised_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  note text
);
CREATE INDEX alerts_open ON alerts (workstation_id) WHERE acknowledged_at IS NULL;
CREATE INDEX alerts_raised ON alerts (raised_at);

-- Random reviews: the draw (its seed, its candidates' count and digest, the cases picked) and
-- the cases received at or before drawn_at are its candidates, so a later check draws again
-- from the same set even after more cases of the period arrived.
CREATE TABLE reviews (
  id text COLLATE "C" PRIMARY KEY,
  drawn_at timestamptz NOT NULL,
  drawn_by text NOT NULL,
  period_from date NOT NULL,
  period_to date NOT NULL,
  seed text NOT NULL,
  size integer NOT NULL,
  candidate_count integer NOT NULL,
  candidates_digest text NOT NULL,
  picked text NOT NULL
);
CREATE INDEX reviews_drawn ON reviews (drawn_at);
CREATE TABLE review_findings (
  review_id text COLLATE "C" NOT NULL REFERENCES reviews (id),
  ref text COLLATE "C" NOT NULL,
  verdict text NOT NULL,
  note text NOT NULL,
  at timestamptz NOT NULL,
  by_operator text NOT NULL,
  PRIMARY KEY (review_id, ref)
);

-- The library's catalog, matters and trust list as last fetched (the body as the library sent it).
CREATE TABLE reference_cache (
  name text COLLATE "C" PRIMARY KEY,
  version text,
  fetched_at timestamptz NOT NULL,
  body text NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'training scope: reviews drawn from training cases, and an index of completed training cases',
    sql: `
-- A review drawn while the workstation was in training (模拟办事) is drawn from the training cases
-- alone and listed apart from the real ones: never the two mixed.
ALTER TABLE reviews ADD COLUMN training boolean NOT NULL DEFAULT false;
CREATE INDEX reviews_training_drawn ON reviews (training, drawn_at);

-- The training scope of the dashboard and of the case lists reads the training cases themselves
-- (the daily tallies count real cases only): this index is theirs, as cases_completed is the
-- real ones'.
CREATE INDEX cases_training_completed ON cases (day, completed_at, workstation_id, case_no) WHERE status = 'completed' AND training;
`,
  },
];

// Any constant will do: it only has to be the same for every hall process on one server.
const MIGRATION_LOCK = 7_231_013;

/**
 * Brings the database up to the last migration, each in the same transaction as its row in
 * `hall_migrations`, under an advisory lock so that two halls starting on one server do not
 * both run it. Returns the versions applied now.
 */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.run(sql<unknown, [number]>('SELECT pg_advisory_xact_lock($1)'), [MIGRATION_LOCK]);
    await tx.script(
      'CREATE TABLE IF NOT EXISTS hall_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const applied = new Set((await tx.all(sql<{ version: number }>('SELECT version FROM hall_migrations'))).map((row) => row.version));
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await tx.script(migration.sql);
      await tx.run(sql<unknown, [number, string]>('INSERT INTO hall_migrations (version, name) VALUES ($1, $2)'), [migration.version, migration.name]);
      done.push(migration.version);
    }
    return done;
  });
}
