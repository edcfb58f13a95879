"""Page tests: every AppTest starts from a clean slate.

AppTest instances in one process share Streamlit's resource caches, so a session-scoped
runner from an earlier test could otherwise reappear in a later one.
"""

import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def _fresh_resources():
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
