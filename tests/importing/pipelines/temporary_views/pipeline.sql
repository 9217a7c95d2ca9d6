-- Source: CREATE VIEW / CREATE TEMPORARY VIEW and PRIVATE tables in pipelines (the SQL language reference),
-- https://docs.databricks.com/aws/en/dlt-ref/dlt-sql-ref-create-view and
-- https://docs.azure.cn/zh-cn/databricks/dlt-ref/dlt-sql-ref-create-streaming-table
CREATE OR REFRESH PRIVATE STREAMING TABLE events_landing
AS SELECT * FROM STREAM read_files('/Volumes/main/web/events', format => 'json',
  schema => 'user_id STRING, page STRING, action STRING, event_ts TIMESTAMP');

CREATE TEMPORARY VIEW purchases
AS SELECT user_id, page, event_ts FROM STREAM(events_landing) WHERE action = 'purchase';

CREATE OR REFRESH STREAMING TABLE purchases_by_page
AS SELECT user_id, upper(page) AS page, event_ts FROM STREAM(purchases);

CREATE OR REFRESH MATERIALIZED VIEW purchase_counts
AS SELECT page, count(*) AS purchases FROM purchases_by_page GROUP BY page;
