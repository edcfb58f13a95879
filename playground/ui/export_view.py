"""The Train page's "Model out" and "Model in": the trained network as safetensors weights,
TorchScript, ONNX and a plain PyTorch script, each made from a copy of the model at the
moment asked, the run's history as CSV, and uploaded safetensors weights (checked against
the spec, never unpickled) to continue training from."""

from __future__ import annotations

import streamlit as st

from playground.errors import SpecError
from playground.export import (
    ONNX_OPSET,
    check_weights,
    history_csv,
    load_into_runner,
    onnx_bytes,
    parse_weights,
    torchscript_bytes,
    weights_bytes,
)
from playground.export_script import export_source
from playground.own_data import check_size
from playground.runner import Runner
from playground.spec import Spec
from playground.ui.state import get_runner, get_spec, reset_runner
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
    data = runner.trainer.data
    standardise = None if data.mean is None else (data.mean, data.std)
    makers = {"weights": lambda: weights_bytes(model, spec),
              "script": lambda: export_source(spec, standardise).encode("utf-8"),
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
    left, right = st.columns(2)
    left.button("Export the model as it is now", icon=":material/output:", key="export.make",
                on_click=_export, args=(runner, spec))
    snapshot = runner.snapshot()
    right.download_button(
        f"History (CSV, {len(snapshot.epochs)} epoch{'' if len(snapshot.epochs) == 1 else 's'})",
        history_csv(snapshot.epochs), file_name="history.csv", mime="text/csv",
        icon=":material/download:", on_click="ignore", key="export.history",
        disabled=not snapshot.epochs, help="One row per finished epoch: epoch, step, train "
        "and test loss and accuracy (regression: rmse and r2), and the learning rate now.")
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


_UPLOAD = "model_in.file"
# ("error", markdown) about the latest upload, or ("success", markdown, run id): shown while
# that run is the session's (a later reset or new network makes it stale)
_LOADED = "model_in.result"


def _load_upload() -> None:
    """Check the uploaded weights against the spec and, when they fit, continue from them
    in a fresh run (the current one is kept for Undo); a bad file only gets a message."""
    upload = st.session_state.get(_UPLOAD)
    if upload is None:
        st.session_state.pop(_LOADED, None)
        return
    name = f"{upload.name!r}"
    try:
        data = upload.getvalue()
        check_size(len(data), f"The weights file {name}")
        tensors = parse_weights(data, f"The file {name}")
        check_weights(get_spec(), tensors)
    except SpecError as exc:
        st.session_state[_LOADED] = ("error", md(exc))
        return
    old = get_runner()
    trained = old is not None and old.trainer.step_count > 0
    if old is not None:
        old.pause()  # no step of the live run may land between the check and the load
    runner = reset_runner()
    if runner is None:  # the spec stopped building meanwhile: nothing was changed
        st.session_state[_LOADED] = ("error", "This network cannot be built, so no weights "
                                     "can go into it. Fix it on the Build page first.")
        return
    load_into_runner(runner, tensors, upload.name)
    with runner.holding() as trainer:
        test = trainer.evaluate("test")
    score = (f"test RMSE {test['rmse']:.4g}" if "rmse" in test else
             f"test accuracy {test['accuracy']:.1%}")
    kept = (" The run you had is kept: **Undo** in the sidebar brings it back."
            if trained else "")
    st.session_state[_LOADED] = ("success", f"Loaded {len(tensors)} tensors from {md(name)}: "
                                 f"{md(score)} before any training here. Press **Train** to "
                                 "continue from these weights (the step and epoch counters "
                                 f"start at 0); every page now shows this model.{kept}",
                                 runner.run_id)


def render_model_in() -> None:
    """Upload safetensors weights that fit the current spec and continue training them."""
    st.caption("Continue from weights saved earlier: upload a model.safetensors exported "
               "for this network (Model out, or `python -m playground train`). The file is "
               "checked tensor by tensor against the network's shapes and never unpickled.")
    st.file_uploader("Weights (.safetensors)", key=_UPLOAD, on_change=_load_upload,
                     help="Training starts from these weights with a fresh epoch budget.")
    result = st.session_state.get(_LOADED)
    runner = get_runner()
    if result is not None and (len(result) < 3 or runner is not None
                               and result[2] == runner.run_id):
        (st.success if result[0] == "success" else st.error)(result[1])
