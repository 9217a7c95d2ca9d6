"""Wire-level fakes of external systems (the Databricks workspace) for tests that run real clients."""
