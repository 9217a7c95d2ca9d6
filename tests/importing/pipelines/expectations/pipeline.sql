-- Source: "Manage data quality with pipeline expectations" (warn, drop and fail expectations in SQL),
-- https://docs.databricks.com/aws/en/dlt/expectations and the CONSTRAINT … EXPECT … ON VIOLATION examples there.
CREATE OR REFRESH STREAMING TABLE raw_orders
AS SELECT * FROM STREAM read_files('/Volumes/main/shop/orders', format => 'json',
  schema => 'order_id STRING, customer_id STRING, amount DOUBLE, order_ts TIMESTAMP, country STRING');

CREATE OR REFRESH STREAMING TABLE valid_orders (
  CONSTRAINT valid_timestamp EXPECT (order_ts > '2020-01-01') ON VIOLATION DROP ROW,
  CONSTRAINT positive_amount EXPECT (amount > 0) ON VIOLATION DROP ROW,
  CONSTRAINT known_country EXPECT (country IS NOT NULL)
)
AS SELECT * FROM STREAM(raw_orders);
