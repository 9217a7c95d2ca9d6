-- Source: "Transform data with pipelines" — a stream-static join of streaming sales with a customer
-- dimension, https://docs.databricks.com/aws/en/dlt/transform (stream-static joins section).
CREATE OR REFRESH STREAMING TABLE sales
AS SELECT * FROM STREAM read_files('/Volumes/main/retail/sales', format => 'json',
  schema => 'sale_id STRING, customer_id STRING, amount DOUBLE, sale_ts TIMESTAMP');

CREATE OR REFRESH MATERIALIZED VIEW customers
AS SELECT * FROM read_files('/Volumes/main/retail/customers', format => 'json',
  schema => 'customer_id STRING, name STRING, segment STRING');

CREATE OR REFRESH STREAMING TABLE sales_enriched
AS SELECT s.sale_id, s.amount, s.sale_ts, c.name, c.segment
FROM STREAM(sales) s
JOIN customers c
  ON s.customer_id = c.customer_id;
