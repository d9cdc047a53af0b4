"""Shared Streamlit UI: URL state, cached data access, components. Figures and formats are pure."""
