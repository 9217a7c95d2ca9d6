-- Source: the bookstore multi-hop pipeline of the Databricks Data Engineer Associate course (DLT SQL),
-- as published in https://github.com/marcoggnz/databricks-data-engineer-associate ("Delta Live Tables"):
-- orders_raw and customers (bronze), orders_cleaned with an expectation (silver), cn_daily_customer_books
-- (gold). LIVE. names and cloud_files are the classic DLT spelling; paths point at local volumes.
CREATE OR REFRESH STREAMING LIVE TABLE orders_raw
COMMENT "The raw books orders, ingested from orders-raw"
AS SELECT * FROM cloud_files('/Volumes/main/bookstore/orders-json-raw', 'json',
  map('schema', 'order_id STRING, order_timestamp BIGINT, customer_id STRING, quantity BIGINT, total BIGINT'));

CREATE OR REFRESH STREAMING LIVE TABLE customers
COMMENT "The customers lookup table, ingested from customers-json"
AS SELECT * FROM cloud_files('/Volumes/main/bookstore/customers-json', 'json',
  map('schema', 'customer_id STRING, email STRING, first_name STRING, last_name STRING, country STRING'));

CREATE OR REFRESH STREAMING LIVE TABLE orders_cleaned (
  CONSTRAINT valid_order_number EXPECT (order_id IS NOT NULL) ON VIOLATION DROP ROW
)
COMMENT "The cleaned books orders with valid order_id"
AS
  SELECT order_id, quantity, o.customer_id, c.first_name AS f_name, c.last_name AS l_name,
         cast(from_unixtime(order_timestamp, 'yyyy-MM-dd HH:mm:ss') AS timestamp) order_timestamp,
         c.country AS country
  FROM STREAM(LIVE.orders_raw) o
  LEFT JOIN LIVE.customers c
    ON o.customer_id = c.customer_id;

CREATE OR REFRESH LIVE TABLE cn_daily_customer_books
COMMENT "Daily number of books per customer in China"
AS
  SELECT customer_id, f_name, l_name, date_trunc("DD", order_timestamp) order_date, sum(quantity) books_counts
  FROM LIVE.orders_cleaned
  WHERE country = "China"
  GROUP BY customer_id, f_name, l_name, date_trunc("DD", order_timestamp);
