-- Source: the WATERMARK clause reference, "Creating a streaming table performing time window row count",
-- https://docs.databricks.com/sql/language-manual/sql-ref-syntax-qry-select-watermark.html
CREATE OR REFRESH STREAMING TABLE stream_source
AS SELECT * FROM STREAM read_files('/Volumes/main/demo/events', format => 'json', schema => 'id STRING, ts TIMESTAMP');

CREATE OR REFRESH STREAMING TABLE window_agg_1
AS SELECT window(ts, '10 seconds') as w, count(*) as CNT
FROM
STREAM stream_source WATERMARK ts DELAY OF INTERVAL 10 SECONDS AS stream
GROUP BY window(ts, '10 seconds');
