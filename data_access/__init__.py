"""Everything that touches the shared database: settings, engines, the canonical schema and its
mapping, the area tree and the demo-city generator. No Streamlit imports."""
