"""Unit tables: one file per core module, one table per Fetch definition."""
