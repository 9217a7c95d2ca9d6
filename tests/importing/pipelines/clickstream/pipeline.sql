-- Source: the Wikipedia clickstream tutorial of Lakeflow Declarative Pipelines (SQL),
-- https://docs.databricks.com/en/delta-live-tables/sql-dev.html and its tutorial
-- (the dataset path is the tutorial's; the schema is declared so the pipeline also runs without inference).
CREATE OR REFRESH STREAMING TABLE clickstream_raw
COMMENT "The raw wikipedia clickstream dataset, ingested from /databricks-datasets."
AS SELECT * FROM STREAM read_files(
  '/databricks-datasets/wikipedia-datasets/data-001/clickstream/raw-uncompressed-json/',
  format => 'json',
  schema => 'curr_title STRING, curr_id STRING, n STRING, prev_title STRING, prev_id STRING, type STRING'
);

CREATE OR REFRESH STREAMING TABLE clickstream_prepared(
  CONSTRAINT valid_current_page EXPECT (current_page_title IS NOT NULL),
  CONSTRAINT valid_count EXPECT (click_count > 0) ON VIOLATION FAIL UPDATE
)
COMMENT "Wikipedia clickstream data cleaned and prepared for analysis."
AS SELECT
  curr_title AS current_page_title,
  CAST(n AS INT) AS click_count,
  prev_title AS previous_page_title
FROM STREAM(clickstream_raw);

CREATE OR REFRESH MATERIALIZED VIEW top_spark_referers
COMMENT "A table containing the top pages linking to the Apache Spark page."
AS SELECT
  previous_page_title as referrer,
  click_count
FROM clickstream_prepared
WHERE current_page_title = 'Apache_Spark'
ORDER BY click_count DESC
LIMIT 10;
