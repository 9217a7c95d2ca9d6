-- Source: the NYC taxi examples of "Develop pipeline code with SQL" and the Lakeflow pipelines tutorial
-- (filter trips, derive columns, aggregate in a materialized view),
-- https://docs.databricks.com/en/delta-live-tables/sql-dev.html
CREATE OR REFRESH STREAMING TABLE taxi_raw
AS SELECT * FROM STREAM read_files('/Volumes/samples/nyctaxi/raw', format => 'json',
  schema => 'tpep_pickup_datetime TIMESTAMP, trip_distance DOUBLE, fare_amount DOUBLE, pickup_zip INT, dropoff_zip INT');

CREATE OR REFRESH STREAMING TABLE flagged_rides
AS SELECT
  date_trunc('week', tpep_pickup_datetime) AS week,
  pickup_zip AS zip,
  fare_amount,
  trip_distance
FROM STREAM(taxi_raw)
WHERE pickup_zip = dropoff_zip AND fare_amount > 50;

CREATE OR REFRESH MATERIALIZED VIEW weekly_stats
AS SELECT
  date_trunc('week', tpep_pickup_datetime) AS week,
  avg(fare_amount) AS avg_amount,
  avg(trip_distance) AS avg_distance
FROM taxi_raw
GROUP BY week
ORDER BY week ASC;
