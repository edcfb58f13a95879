"""The Train page's "Model out": the trained network as safetensors weights, TorchScript,
ONNX and a plain PyTorch script, each made from a copy of the model at the moment asked."""

from __future__ import annotations

import streamlit as st

from playground.errors import SpecError
from playground.export import (
    ONNX_OPSET,
    export_source,
    onnx_bytes,
    torchscript_bytes,
    weights_bytes,
)
from playground.runner import Runner
from playground.spec import Spec
from playground.ui.text import md

_FILES = "export.files"  # (run id, version) -> {format: bytes or an error message}
# format -> file name, mime type, what it is for
FORMATS = {
    "weights": ("model.safetensors", "application/octet-stream",
                "the weights, for the script below or `load_state_dict`"),
    "script": ("model.py", "text/x-python",
               "plain PyTorch: rebuilds the network, loads model.safetensors, predicts"),
    "torchscript": ("model.torchscript.pt", "application/octet-stream",
                    "runs with `torch.jit.load`, no playground needed"),
    "onnx": ("model.onnx", "application/octet-stream",
             f"ONNX opset {ONNX_OPSET}, any batch size (input `x`, output `y`), for "
             "onnxruntime"),
}


def _export(runner: Runner, spec: Spec) -> None:
    model, key = runner.model_copy()
    makers = {"weights": lambda: weights_bytes(model, spec),
              "script": lambda: export_source(spec).encode("utf-8"),
              "torchscript": lambda: torchscript_bytes(model, spec),
              "onnx": lambda: onnx_bytes(model, spec)}
    files: dict[str, bytes | str] = {}
    for name, make in makers.items():
        try:
            files[name] = make()
        except SpecError as exc:
            files[name] = str(exc)
    st.session_state[_FILES] = (key, files)


def render_export(runner: Runner, spec: Spec) -> None:
    """A button that exports the model as it is now, then one download per format."""
    st.caption("Take the trained network out of the playground. The files are made from the "
               "model at the moment you press the button; press it again after more training."
               + (" Inputs of a table are standardised: subtract the training mean and "
                  "divide by its standard deviation first."
                  if runner.trainer.data.mean is not None else ""))
    st.button("Export the model as it is now", icon=":material/output:", key="export.make",
              on_click=_export, args=(runner, spec))
    made = st.session_state.get(_FILES)
    if made is None or made[0].run_id != runner.key.run_id:  # nothing yet, or new weights
        return
    key, files = made
    st.caption(f"Exported at update {key.version:,} of this run.")
    columns = st.columns(len(FORMATS))
    for column, (name, (filename, mime, purpose)) in zip(columns, FORMATS.items(), strict=True):
        with column:
            content = files[name]
            if isinstance(content, str):
                st.error(md(content))
                continue
            st.download_button(filename, data=content, file_name=filename, mime=mime,
                               icon=":material/download:", on_click="ignore",
                               key=f"export.{name}", width="stretch")
            st.caption(purpose)
