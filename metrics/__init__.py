"""Metric, safety-index and worker-score definitions, compiled to SQL per dialect. No Streamlit."""
