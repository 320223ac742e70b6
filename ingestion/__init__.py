"""Bouge ingestion: dlt pipelines that land raw source data, then geocoding enrichment."""
