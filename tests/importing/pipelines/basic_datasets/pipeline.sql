-- Source: "Develop pipeline code with SQL" — a materialized view and a streaming table over the NYC taxi
-- sample, https://docs.databricks.com/en/delta-live-tables/sql-dev.html (the trips are read with
-- read_files here, the page reads samples.nyctaxi.trips, so the pipeline runs on local files).
CREATE OR REFRESH STREAMING TABLE trips
AS SELECT * FROM STREAM read_files(
  '/Volumes/samples/nyctaxi/trips',
  format => 'json',
  schema => 'tpep_pickup_datetime TIMESTAMP, tpep_dropoff_datetime TIMESTAMP, trip_distance DOUBLE, fare_amount DOUBLE, pickup_zip INT, dropoff_zip INT'
);

CREATE OR REFRESH STREAMING TABLE basic_st
AS SELECT * FROM STREAM trips;

CREATE OR REFRESH MATERIALIZED VIEW basic_mv
AS SELECT * FROM trips;
