-- Snapshots of the quota books (ceiling, allocations, use, breakdowns, reallocation requests) at
-- positions of the log, so that the picture at a past position replays only the events after the
-- nearest snapshot. Derived data: written by the server as the log grows, rebuilt by
-- `kvotad projections rebuild`; a missing snapshot only makes a past query slower.
CREATE TABLE quota_snapshots (
    position  bigint  NOT NULL,
    year      integer NOT NULL,
    line      text    NOT NULL,
    book      text    NOT NULL,  -- canonical JSON (QuotaBook.json)
    PRIMARY KEY (position, year, line)
);
