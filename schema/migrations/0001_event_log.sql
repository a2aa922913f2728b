-- Kvota event log: one append-only table of events, and a head row that hands out positions.
-- Applied once, in a transaction, by the migration runner (see docs/ARCHITECTURE.md).

-- The head of the log. Every append transaction locks this single row (SELECT ... FOR UPDATE) once,
-- reads the next position, inserts its events and moves the head before it commits. Holding the lock
-- through commit makes positions dense and their order the commit order, across any number of kvotad
-- processes sharing the database.
CREATE TABLE log_head (
    id               smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    next_position    bigint      NOT NULL CHECK (next_position >= 0),
    last_recorded_at timestamptz
);
INSERT INTO log_head (id, next_position) VALUES (1, 0);

-- The log. `body` holds the event's canonical bytes (schema/canonical-encoding.md): the envelope
-- without leafHash, as UTF-8 JSON text (query it with body::json). The other columns repeat parts
-- of it for indexing and filtering only; readers return what `body` says. `leaf_hash` = SHA-256(0x00 || body), the RFC 6962 leaf of `position`.
CREATE TABLE events (
    position    bigint      PRIMARY KEY CHECK (position >= 0),
    event_id    uuid        NOT NULL UNIQUE,
    stream      text        NOT NULL,
    version     bigint      NOT NULL CHECK (version >= 0),
    type        text        NOT NULL,
    region      text,        -- the region whose tokens may read the stream; NULL: every region
    recorded_at timestamptz NOT NULL,
    body        text        NOT NULL,
    leaf_hash   bytea       NOT NULL CHECK (octet_length(leaf_hash) = 32),
    UNIQUE (stream, version)
);

-- Append-only, in the database itself: no UPDATE, DELETE or TRUNCATE of events, whoever asks.
CREATE FUNCTION kvota_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'kvota: % on % is refused: the event log is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Events are never changed or removed; append a correcting event instead.';
END
$$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION kvota_refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION kvota_refuse_change();
CREATE TRIGGER log_head_keep BEFORE DELETE ON log_head
    FOR EACH ROW EXECUTE FUNCTION kvota_refuse_change();
CREATE TRIGGER log_head_no_truncate BEFORE TRUNCATE ON log_head
    FOR EACH STATEMENT EXECUTE FUNCTION kvota_refuse_change();

REVOKE UPDATE, DELETE, TRUNCATE ON events FROM PUBLIC;

-- The head only moves forward.
CREATE FUNCTION kvota_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.next_position < OLD.next_position
       OR NEW.last_recorded_at < OLD.last_recorded_at THEN
        RAISE EXCEPTION 'kvota: the log head never moves backwards (% -> %)', OLD.next_position, NEW.next_position
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER log_head_forward BEFORE UPDATE ON log_head
    FOR EACH ROW EXECUTE FUNCTION kvota_head_forward();
