-- Source: CREATE FLOW (Lakeflow Declarative Pipelines), example 2: a streaming table and a flow that applies
-- CDC changes to it, https://docs.databricks.com/gcp/dlt-ref/dlt-sql-ref-create-flow
-- Not run on open-source spark-pipelines: AUTO CDC needs Delta (import only).
CREATE OR REFRESH STREAMING TABLE users_cdc
AS SELECT * FROM STREAM read_files('/Volumes/main/raw_data/users_cdc', format => 'json',
  schema => 'user_id STRING, name STRING, city STRING, operation STRING, sequence_num BIGINT');

CREATE OR REFRESH STREAMING TABLE users;

CREATE FLOW user_flow
AS AUTO CDC INTO users
FROM STREAM(users_cdc)
KEYS (user_id)
APPLY AS DELETE WHEN operation = "DELETE"
SEQUENCE BY sequence_num
COLUMNS * EXCEPT (operation, sequence_num)
STORED AS SCD TYPE 1;
