-- The ledger: one row per upload.processed event, keyed by its idempotency key so that a
-- redelivered message inserts nothing, and per-owner totals updated in the same transaction.
-- The roles ledger_writer and ledger_reader exist before migrations run (the platform creates them
-- with their secrets); migrations only grant them what they need.

-- Up Migration
CREATE TABLE upload_events (
  idempotency_key text PRIMARY KEY,
  owner_sub text NOT NULL,
  upload_id text NOT NULL,
  object_key text NOT NULL,
  bytes bigint NOT NULL CHECK (bytes >= 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content_type text NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX upload_events_owner_occurred_idx ON upload_events (owner_sub, occurred_at);

CREATE TABLE user_usage (
  owner_sub text PRIMARY KEY,
  uploads_count bigint NOT NULL CHECK (uploads_count >= 0),
  bytes_total bigint NOT NULL CHECK (bytes_total >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The ledger is append-only for the worker: it may add rows, never change or remove them.
GRANT SELECT, INSERT ON upload_events TO ledger_writer;
GRANT SELECT, INSERT, UPDATE ON user_usage TO ledger_writer;
GRANT SELECT ON upload_events, user_usage TO ledger_reader;

-- Down Migration
DROP TABLE user_usage;
DROP TABLE upload_events;
