"""Pure figure builders: arrays in, plotly Figures out. No torch models, no streamlit."""
