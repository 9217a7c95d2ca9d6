-- Source: the DLT retail sales example (customers, sales_orders_raw, sales_orders_cleaned with an expectation,
-- sales orders per city), after https://github.com/databricks/delta-live-tables-notebooks (sql/Retail Sales)
-- and the DLT SQL language reference.
CREATE OR REFRESH STREAMING LIVE TABLE customers
COMMENT "The customers buying finished products, ingested from /databricks-datasets."
AS SELECT * FROM cloud_files('/Volumes/main/retail-org/customers/', 'json',
  map('schema', 'customer_id STRING, customer_name STRING, state STRING, city STRING'));

CREATE OR REFRESH STREAMING LIVE TABLE sales_orders_raw
COMMENT "The raw sales orders, ingested from /databricks-datasets."
AS SELECT * FROM cloud_files('/Volumes/main/retail-org/sales_orders/', 'json',
  map('schema', 'customer_id STRING, order_number BIGINT, order_datetime STRING, number_of_line_items BIGINT, currency STRING'));

CREATE OR REFRESH STREAMING LIVE TABLE sales_orders_cleaned(
  CONSTRAINT valid_order_number EXPECT (order_number IS NOT NULL) ON VIOLATION DROP ROW
)
COMMENT "The cleaned sales orders with valid order_number(s) and partitioned by order_datetime."
AS
SELECT f.customer_id, f.customer_name, f.number_of_line_items,
  timestamp(from_unixtime(cast(f.order_datetime AS long))) AS order_datetime,
  f.order_number, f.currency, f.state, f.city
FROM (
  SELECT s.*, c.customer_name, c.state, c.city
  FROM STREAM(LIVE.sales_orders_raw) s
  LEFT JOIN LIVE.customers c
    ON c.customer_id = s.customer_id
) f;

CREATE OR REFRESH LIVE TABLE sales_order_in_la
COMMENT "Sales orders in LA."
AS
SELECT city, order_date, customer_id, customer_name, sum(number_of_line_items) AS total_line_items
FROM (
  SELECT city, date(order_datetime) AS order_date, customer_id, customer_name, number_of_line_items
  FROM LIVE.sales_orders_cleaned
  WHERE city = 'Los Angeles'
)
GROUP BY order_date, city, customer_id, customer_name;
