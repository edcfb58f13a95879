"""The router and frame: page navigation, the sidebar model summary and the device badge."""

import streamlit as st
import torch

from playground.own_data import forbid_local_files
from playground.ui.lesson_panel import read_lesson_link, render_lesson_panel
from playground.ui.session_bar import render_share, render_undo
from playground.ui.sidebar import render_sidebar
from playground.ui.state import follow_history

# One intra-op thread: with more, training competes with the server for the cores.
torch.set_num_threads(1)
# A link's spec names uploads by hash; it never reads a file on the server.
forbid_local_files()

PAGES = [
    st.Page("views/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("views/build.py", title="Build", icon=":material/construction:"),
    st.Page("views/train.py", title="Train", icon=":material/model_training:"),
    st.Page("views/learning_loop.py", title="Learning loop", icon=":material/autorenew:"),
    st.Page("views/depth.py", title="Depth", icon=":material/layers:"),
    st.Page("views/deep_vs_classic.py", title="Deep vs classic", icon=":material/balance:"),
    st.Page("views/generative.py", title="Generative", icon=":material/scatter_plot:"),
    st.Page("views/activations.py", title="Activations", icon=":material/visibility:"),
    st.Page("views/attention.py", title="Attention", icon=":material/hub:"),
    st.Page("views/language_model.py", title="Language model", icon=":material/edit_note:"),
    st.Page("views/attributions.py", title="Attributions", icon=":material/highlight:"),
    st.Page("views/black_box.py", title="Black box", icon=":material/help_center:"),
    st.Page("views/classroom.py", title="Classroom", icon=":material/school:"),
]


def main() -> None:
    st.set_page_config(page_title="Deep Learning Playground", page_icon=":material/hub:",
                       layout="wide")
    page = st.navigation(PAGES, expanded=True)  # every page in view, none behind "more"
    read_lesson_link()  # before follow_history rewrites the URL
    follow_history()
    render_sidebar()
    with st.sidebar:
        render_lesson_panel()
        render_undo()
        render_share()
    page.run()


main()
