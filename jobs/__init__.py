"""Spark jobs the platform runs (uploaded to the artifacts bucket by ``components/lake/lake_pipeline.py``)."""
