-- Source: the WATERMARK clause reference (watermarks on both sides of a stream-stream join) and the
-- ad impressions / clicks example of Structured Streaming joins,
-- https://docs.databricks.com/sql/language-manual/sql-ref-syntax-qry-select-watermark.html
CREATE OR REFRESH STREAMING TABLE impressions
AS SELECT * FROM STREAM read_files('/Volumes/main/ads/impressions', format => 'json',
  schema => 'ad_id STRING, impression_time TIMESTAMP');

CREATE OR REFRESH STREAMING TABLE clicks
AS SELECT * FROM STREAM read_files('/Volumes/main/ads/clicks', format => 'json',
  schema => 'click_ad_id STRING, click_time TIMESTAMP');

CREATE OR REFRESH STREAMING TABLE impressions_with_clicks
AS SELECT i.ad_id, i.impression_time, c.click_time
FROM STREAM(impressions) WATERMARK impression_time DELAY OF INTERVAL 2 HOURS AS i
JOIN STREAM(clicks) WATERMARK click_time DELAY OF INTERVAL 3 HOURS AS c
  ON i.ad_id = c.click_ad_id
  AND c.click_time >= i.impression_time
  AND c.click_time <= i.impression_time + INTERVAL 1 HOUR;
