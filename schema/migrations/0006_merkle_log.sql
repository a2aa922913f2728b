-- Verifiable history (contract, Audit log): the RFC 6962 Merkle tree over positions 0..n-1, kept as
-- events are appended, the key that signs checkpoints, and every signed checkpoint.

-- The tree's right edge: the serialized MerkleFrontier (8 bytes of big-endian size, then the 32-byte
-- roots of its perfect subtrees, largest first) of leaves 0..<size. The append transaction that
-- moves the head (holding its row lock) extends it in the same commit, so every kvotad process sees
-- one tree. NULL: not built yet; kvotad builds it from events.leaf_hash when it migrates (a log
-- appended before this migration) and whenever its size is behind next_position.
ALTER TABLE log_head ADD COLUMN merkle_frontier bytea
    CHECK (merkle_frontier IS NULL OR (octet_length(merkle_frontier) - 8) % 32 = 0);

-- Every perfect subtree at level >= 1 (2^level leaves starting at leaf index << level), written by
-- the transaction that completes it; the leaves (level 0) are events.leaf_hash. Proofs and past roots
-- read O(log n) of these rows.
CREATE TABLE merkle_nodes (
    level smallint NOT NULL CHECK (level BETWEEN 1 AND 63),
    index bigint   NOT NULL CHECK (index >= 0),
    hash  bytea    NOT NULL CHECK (octet_length(hash) = 32),
    PRIMARY KEY (level, index)
);

-- The key that signs checkpoints: recorded by the first kvotad that signs, never changed. A server
-- holding another key refuses to start. One key per log (the unique index on a constant); a key
-- rotation would be a later migration.
CREATE TABLE audit_keys (
    key_id       text        PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{8}$'),
    name         text        NOT NULL,
    public_key   bytea       NOT NULL CHECK (octet_length(public_key) = 32),
    verifier_key text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX audit_keys_one ON audit_keys ((true));

-- Signed checkpoints (C2SP tlog-checkpoint notes), one per tree size: several servers signing the
-- same size store it once (the root comes from the tree above, so their notes agree).
CREATE TABLE checkpoints (
    tree_size  bigint      PRIMARY KEY CHECK (tree_size >= 0),
    root_hash  bytea       NOT NULL CHECK (octet_length(root_hash) = 32),
    key_id     text        NOT NULL REFERENCES audit_keys (key_id),
    note       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- As the events: no UPDATE, DELETE or TRUNCATE, whoever asks.
CREATE TRIGGER merkle_nodes_append_only BEFORE UPDATE OR DELETE ON merkle_nodes
    FOR EACH ROW EXECUTE FUNCTION kvota_refuse_change();
CREATE TRIGGER merkle_nodes_no_truncate BEFORE TRUNCATE ON merkle_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION kvota_refuse_change();
CREATE TRIGGER audit_keys_immutable BEFORE UPDATE OR DELETE ON audit_keys
    FOR EACH ROW EXECUTE FUNCTION kvota_refuse_change();
CREATE TRIGGER audit_keys_no_truncate BEFORE TRUNCATE ON audit_keys
    FOR EACH STATEMENT EXECUTE FUNCTION kvota_refuse_change();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION kvota_refuse_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION kvota_refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON merkle_nodes, audit_keys, checkpoints FROM PUBLIC;

-- The frontier only grows: its size (the first 8 bytes) never goes down, and never passes the head.
CREATE FUNCTION kvota_frontier_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.merkle_frontier IS NOT NULL AND (NEW.merkle_frontier IS NULL
       OR substring(NEW.merkle_frontier FROM 1 FOR 8) < substring(OLD.merkle_frontier FROM 1 FOR 8)) THEN
        RAISE EXCEPTION 'kvota: the Merkle frontier never shrinks'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.merkle_frontier IS NOT NULL
       AND substring(NEW.merkle_frontier FROM 1 FOR 8) > int8send(NEW.next_position) THEN
        RAISE EXCEPTION 'kvota: the Merkle frontier cannot cover positions past the head'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER log_head_frontier_forward BEFORE UPDATE ON log_head
    FOR EACH ROW EXECUTE FUNCTION kvota_frontier_forward();
