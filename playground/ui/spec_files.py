"""Saving and loading a whole network: presets, spec download and validated spec upload.

Uploads are parsed as JSON and validated by `Spec.from_json`; nothing is unpickled, and a
bad file leaves the current network exactly as it was.
"""

from __future__ import annotations

from functools import lru_cache

import streamlit as st

from playground.errors import SpecError
from playground.presets import PRESETS
from playground.spec import MAX_SPEC_BYTES, Spec
from playground.ui.state import reset_runner, set_spec
from playground.ui.text import md

_UPLOAD_ERROR, _FLASH, _UPLOADER = "build.upload_error", "build.flash", "build.upload"


def spec_from_upload(data: bytes) -> Spec:
    """Parse and validate an uploaded spec file; a SpecError says what is wrong."""
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(f"This file is {len(data):,} bytes; a spec file is a small JSON "
                        "document (a few kilobytes). Choose the file 'Download spec' saved.")
    return Spec.from_json(data)


def apply_upload(data: bytes, filename: str = "the file") -> str | None:
    """Load an uploaded spec into the session; returns the error message, or None."""
    try:
        spec = spec_from_upload(data)
    except SpecError as exc:
        return f"{filename} was not loaded: {exc} Your current network is unchanged."
    set_spec(spec, fresh=True, what=f"load {filename}")
    reset_runner()  # built now, while the page changes, not on the Train page's first run
    flash(f"Loaded the network from {md(filename)}.")
    return None


def load_preset(name: str) -> Spec:
    """Replace the spec with a preset's and start from fresh weights."""
    spec = PRESETS[name].spec()
    set_spec(spec, fresh=True, what=f"open the {PRESETS[name].title} preset")
    reset_runner()  # built now, while the page changes, not on the Train page's first run
    flash(f"Loaded preset {PRESETS[name].title}.")
    return spec


def flash(message: str) -> None:
    """A success message shown once, on the next page render (markdown: escape any
    user-supplied part with `md`)."""
    st.session_state[_FLASH] = message


def show_flash() -> None:
    """Show (and forget) the message left by `flash`."""
    if message := st.session_state.pop(_FLASH, None):
        st.success(message, icon=":material/check_circle:")


def _on_upload() -> None:
    file = st.session_state.get(_UPLOADER)
    st.session_state.pop(_UPLOAD_ERROR, None)
    if file is not None:
        st.session_state[_UPLOAD_ERROR] = apply_upload(file.getvalue(), file.name)


def render_spec_files(spec: Spec) -> None:
    """Preset loader, download button and uploader side by side."""
    left, mid, right = st.columns([1.2, 1, 1.4])
    with left:
        name = st.selectbox("Preset", list(PRESETS), key="build.preset",
                            index=list(PRESETS).index(_preset_guess(spec)),
                            format_func=lambda n: PRESETS[n].title,
                            help="A ready-made dataset and network to start from.")
        st.caption(PRESETS[name].description)
        st.button("Load preset", key="build.load_preset", icon=":material/upload_file:",
                  on_click=load_preset, args=(name,))
    with mid:
        st.download_button("Download spec (JSON)", data=spec.to_json(),
                           file_name=f"{spec.dataset.name}-network.json",
                           mime="application/json", icon=":material/download:",
                           on_click="ignore", key="build.download")
        st.caption("The spec is also in this page's address: copy the link to share it.")
    with right:
        st.file_uploader("Upload a spec (JSON)", type=["json"], key=_UPLOADER,
                         on_change=_on_upload,
                         help="A file saved with 'Download spec' or `python -m playground`.")
        if error := st.session_state.get(_UPLOAD_ERROR):
            st.error(md(error), icon=":material/error:")  # quotes the file and its names



@lru_cache(maxsize=1)
def _preset_datasets() -> dict[str, str]:
    return {n: p.spec().dataset.name for n, p in PRESETS.items()}


def _preset_guess(spec: Spec) -> str:
    """The preset whose dataset matches the current one, for the selector's default."""
    return next((n for n, d in _preset_datasets().items() if d == spec.dataset.name),
                next(iter(PRESETS)))
