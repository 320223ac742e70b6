"""Small operational scripts (run summary, container build) around the pipeline."""
