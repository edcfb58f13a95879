"""Classroom: lessons with links and challenges, a lesson-link maker, the class board."""

import streamlit as st

from playground.ui.classroom_view import render_board, render_lessons, render_link_maker

st.title("Classroom")
render_lessons()
render_link_maker()
render_board()
