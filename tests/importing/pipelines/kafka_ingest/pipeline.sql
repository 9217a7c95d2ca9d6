-- Source: "Connect to Apache Kafka" (SQL streaming table over read_kafka) and the read_kafka function
-- reference, https://docs.databricks.com/aws/en/connect/streaming/kafka/ and
-- https://docs.databricks.com/aws/en/sql/language-manual/functions/read_kafka
-- Not run on open-source spark-pipelines: read_kafka is Databricks-only (import only).
CREATE OR REFRESH STREAMING TABLE kafka_raw AS
SELECT * FROM STREAM read_kafka(
  bootstrapServers => 'kafka_server:9092',
  subscribe => 'events'
);

CREATE OR REFRESH STREAMING TABLE kafka_events AS
SELECT value::string AS value, topic, timestamp
FROM STREAM read_kafka(
  bootstrapServers => 'kafka_server:9092',
  subscribe => 'clicks',
  startingOffsets => 'earliest'
);
