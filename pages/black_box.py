import streamlit as st

st.title("black_box")
st.info("This page is being built.")
