-- Source: the DLT loans demo (raw transactions, a reference table, cleaned transactions with expectations
-- and a gold balance), after https://github.com/databricks/delta-live-tables-notebooks (sql/loans) and
-- "Manage data quality with pipeline expectations", https://docs.databricks.com/aws/en/dlt/expectations
CREATE OR REFRESH STREAMING TABLE raw_txs
COMMENT "New raw loan data incrementally ingested from cloud object storage landing zone"
AS SELECT * FROM STREAM read_files('/Volumes/main/loans/landing', format => 'json',
  schema => 'id BIGINT, accounting_treatment_id INT, balance DOUBLE, arrears_balance DOUBLE, next_payment_date DATE, cost_center_code STRING');

CREATE OR REFRESH MATERIALIZED VIEW ref_accounting_treatment
COMMENT "Lookup mapping for accounting codes"
AS SELECT * FROM read_files('/Volumes/main/loans/ref_accounting_treatment', format => 'json',
  schema => 'id INT, accounting_treatment STRING');

CREATE OR REFRESH STREAMING TABLE new_txs
COMMENT "Livestream of new transactions"
AS SELECT txs.*, ref.accounting_treatment AS accounting_treatment
FROM STREAM(raw_txs) txs
INNER JOIN ref_accounting_treatment ref ON txs.accounting_treatment_id = ref.id;

CREATE OR REFRESH STREAMING TABLE cleaned_new_txs (
  CONSTRAINT `Payments should be this year` EXPECT (next_payment_date > date('2020-12-31')) ON VIOLATION DROP ROW,
  CONSTRAINT `Balance should be positive` EXPECT (balance > 0 AND arrears_balance > 0) ON VIOLATION DROP ROW,
  CONSTRAINT `Cost center must be specified` EXPECT (cost_center_code IS NOT NULL) ON VIOLATION FAIL UPDATE
)
COMMENT "Livestream of new transactions, cleaned and compliant"
AS SELECT * FROM STREAM(new_txs);

CREATE OR REFRESH MATERIALIZED VIEW total_loan_balances
COMMENT "Combines historical and new loan data for unified rollup of loan balances"
AS SELECT sum(balance) AS bal, accounting_treatment AS accounting_treatment
FROM cleaned_new_txs
GROUP BY accounting_treatment;
