-- Source: the bookstore CDC lesson (APPLY CHANGES INTO, classic DLT SQL), as published in
-- https://github.com/SophiaUrena/Databricks-Tutorial and https://docs.databricks.com/aws/en/dlt-ref/dlt-sql-ref-apply-changes-into
-- Not run on open-source spark-pipelines: APPLY CHANGES needs Delta (import only).
CREATE OR REFRESH STREAMING LIVE TABLE books_bronze
COMMENT "The raw books data, ingested from CDC feed"
AS SELECT * FROM cloud_files('/Volumes/main/bookstore/books-cdc', 'json',
  map('schema', 'book_id STRING, title STRING, author STRING, price DOUBLE, row_status STRING, row_time TIMESTAMP'));

CREATE OR REFRESH STREAMING LIVE TABLE books_silver;

APPLY CHANGES INTO LIVE.books_silver
  FROM STREAM(LIVE.books_bronze)
  KEYS (book_id)
  APPLY AS DELETE WHEN row_status = "DELETE"
  SEQUENCE BY row_time
  COLUMNS * EXCEPT (row_status, row_time);
