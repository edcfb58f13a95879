"""The only part of the package that imports streamlit: session state and widgets."""
