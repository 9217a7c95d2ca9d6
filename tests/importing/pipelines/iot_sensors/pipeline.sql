-- Source: "Transform data with pipelines" and the windowed-aggregation examples of the WATERMARK clause
-- reference: IoT readings filtered in a temporary view, projected, then counted in tumbling windows,
-- https://docs.databricks.com/aws/en/dlt/transform and
-- https://docs.databricks.com/sql/language-manual/sql-ref-syntax-qry-select-watermark.html
CREATE TEMPORARY VIEW readings_raw
AS SELECT * FROM STREAM read_files('/Volumes/main/iot/readings', format => 'json',
  schema => 'device_id STRING, temperature DOUBLE, humidity DOUBLE, event_time TIMESTAMP');

CREATE TEMPORARY VIEW readings_valid
AS SELECT * FROM STREAM(readings_raw)
WHERE temperature IS NOT NULL AND temperature BETWEEN -50 AND 150;

CREATE TEMPORARY VIEW readings_f
AS SELECT device_id, round(temperature * 9 / 5 + 32, 1) AS temperature_f, event_time
FROM STREAM(readings_valid);

CREATE OR REFRESH STREAMING TABLE device_minute_stats
AS SELECT device_id, window.start AS window_start, window.end AS window_end,
  count(*) AS readings, max(temperature_f) AS max_temperature_f
FROM STREAM(readings_f) WATERMARK event_time DELAY OF INTERVAL 30 SECONDS
GROUP BY device_id, window(event_time, '1 minute');
