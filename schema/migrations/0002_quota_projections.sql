-- Quota projections: maintained in the same transaction as every append that changes them, and
-- rebuildable from the log alone (`kvotad projections rebuild` gives the same rows).

-- One row per year and line with a ceiling.
CREATE TABLE quota_ceilings (
    year         integer NOT NULL,
    line         text    NOT NULL,
    units        bigint  NOT NULL,
    percent      double precision,
    labor_force  bigint,
    basis        text    NOT NULL,
    PRIMARY KEY (year, line)
);

-- Each region's allocation and units in use (active permits) per year and line.
CREATE TABLE quota_regions (
    year       integer NOT NULL,
    line       text    NOT NULL,
    region     text    NOT NULL,
    allocated  bigint  NOT NULL,
    in_use     bigint  NOT NULL,
    PRIMARY KEY (year, line, region)
);

-- Active permits by region, category, country of origin and OKED section (rows with none are absent).
CREATE TABLE quota_usage (
    year      integer NOT NULL,
    line      text    NOT NULL,
    region    text    NOT NULL,
    category  text    NOT NULL,
    country   text    NOT NULL,
    sector    text    NOT NULL,
    active    bigint  NOT NULL CHECK (active > 0),
    PRIMARY KEY (year, line, region, category, country, sector)
);
