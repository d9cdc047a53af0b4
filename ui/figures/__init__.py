"""Pure figure builders, one module per page: DataFrames in, Plotly figures or pydeck decks out."""
