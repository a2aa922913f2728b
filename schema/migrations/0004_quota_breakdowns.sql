-- The quota breakdowns as the projection answers them: active permits per region and category, and
-- national totals by country of origin and by OKED section. They replace the joint table of
-- 0002 (region x category x country x sector), whose hundreds of rows per batch made the inline
-- maintenance cost more than the events themselves; the joint breakdown lives on in the books that
-- replays and snapshots fold. Rows with no active permits are absent.
DROP TABLE quota_usage;

CREATE TABLE quota_region_categories (
    year      integer NOT NULL,
    line      text    NOT NULL,
    region    text    NOT NULL,
    category  text    NOT NULL,
    active    bigint  NOT NULL CHECK (active > 0),
    PRIMARY KEY (year, line, region, category)
);

CREATE TABLE quota_origins (
    year     integer NOT NULL,
    line     text    NOT NULL,
    country  text    NOT NULL,
    active   bigint  NOT NULL CHECK (active > 0),
    PRIMARY KEY (year, line, country)
);

CREATE TABLE quota_sectors (
    year    integer NOT NULL,
    line    text    NOT NULL,
    sector  text    NOT NULL,
    active  bigint  NOT NULL CHECK (active > 0),
    PRIMARY KEY (year, line, sector)
);
