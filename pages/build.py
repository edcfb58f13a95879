import streamlit as st

st.title("build")
st.info("This page is being built.")
