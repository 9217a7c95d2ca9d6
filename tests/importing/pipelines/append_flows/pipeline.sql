-- Source: CREATE FLOW (Lakeflow Declarative Pipelines), example 1: a streaming table filled by two append
-- flows, https://docs.databricks.com/gcp/dlt-ref/dlt-sql-ref-create-flow (both flows stream here; the page's
-- second one is a one-time INSERT INTO ONCE backfill).
CREATE OR REFRESH STREAMING TABLE raw_users
AS SELECT * FROM STREAM read_files('/Volumes/main/raw_data/users', format => 'json',
  schema => 'user_id STRING, name STRING, signup_ts TIMESTAMP');

CREATE OR REFRESH STREAMING TABLE user_backfill
AS SELECT * FROM STREAM read_files('/Volumes/main/raw_data/user_backfill', format => 'json',
  schema => 'user_id STRING, name STRING, signup_ts TIMESTAMP');

CREATE OR REFRESH STREAMING TABLE users;

CREATE FLOW users_flow AS
INSERT INTO users BY NAME
SELECT * FROM STREAM(raw_users);

CREATE FLOW backfill_users AS
INSERT INTO users BY NAME
SELECT * FROM STREAM(user_backfill);
