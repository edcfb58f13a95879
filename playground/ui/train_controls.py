"""The Train page's settings (generated from TRAIN_PARAMS) and its run controls.

Learning rate and epoch budget apply to the running model; every other setting needs new
weights, and the page says so before (help text) and after (a notice) the change.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

from playground.datasets import DATASETS
from playground.devices import available_devices
from playground.errors import SpecError
from playground.runner import Runner, Snapshot
from playground.session import Change
from playground.spec import TRAIN_PARAMS, Spec, losses_for
from playground.ui.lesson_panel import hidden, locked
from playground.ui.state import reset_runner, set_spec
from playground.ui.text import md
from playground.ui.widgets import TYPED_SUFFIX, param_input

LABELS = {"lr": "learning rate", "batch_size": "batch size", "epochs": "epoch budget",
          "l1": "L1 penalty", "l2": "L2 penalty", "loss": "loss",
          "patience": "early-stopping patience", "augment": "data augmentation"}
# Which lesson control (lessons.CONTROLS) each setting belongs to, for hide/lock links.
CONTROL_OF = {"optimizer": "optimizer", "lr": "lr", "batch_size": "batch_size",
              "epochs": "epochs", "l1": "regularization", "l2": "regularization"}
_NOTICE = "train_notice"
_MESSAGE = "train_message"
_SYNCED = "train_settings_synced"


def _key(name: str) -> str:
    return f"train.{name}"


def show_value(name: str, value: Any) -> None:
    """Make a setting's widget (and its typed twin) show `value` on its next render."""
    st.session_state[_key(name)] = value
    if _key(name) + TYPED_SUFFIX in st.session_state:
        st.session_state[_key(name) + TYPED_SUFFIX] = value


def render_settings(spec: Spec) -> None:
    """Inputs for every training setting; writes the changed spec back (URL included)."""
    values = dataclasses.asdict(spec.train)
    if st.session_state.get(_SYNCED) != spec.train:
        # The spec changed elsewhere (a fix, Undo, Back, a preset): show its values. Set,
        # not dropped: a dropped widget state is rebuilt from the browser's stale value.
        for p in TRAIN_PARAMS:
            show_value(p.name, values[p.name])
    unavailable = tuple(d for d, ok in available_devices().items() if not ok)
    # Only the losses that train this dataset's task (classes or numbers) are offered; the
    # dataset picker switches the loss when the task changes.
    fitting = {"loss": losses_for(DATASETS[spec.dataset.name].task)}
    cols = st.columns(5)
    shown = [p for p in TRAIN_PARAMS if not hidden(CONTROL_OF.get(p.name))]
    chosen = {p.name: values[p.name] for p in TRAIN_PARAMS}
    for i, p in enumerate(shown):
        tail = (" Applies live, without new weights." if p.live else
                " Changing it starts again from new weights.")
        if p.name in fitting:
            p = dataclasses.replace(p, choices=fitting[p.name])
        with cols[i % 5]:
            chosen[p.name] = param_input(
                dataclasses.replace(p, help=p.help + tail), values[p.name], key=_key(p.name),
                label=LABELS.get(p.name, p.name), disabled=locked(CONTROL_OF.get(p.name)),
                options_disabled=unavailable if p.name == "device" else ())
    changed = [name for name in chosen if chosen[name] != values[name]]
    if changed:
        try:
            new = spec.with_train(**chosen)
        except SpecError as exc:
            st.error(md(exc))
            return
        if set_spec(new) is Change.FRESH:
            live = {p.name for p in TRAIN_PARAMS if p.live}
            resets = [LABELS.get(n, n) for n in changed if n not in live]
            st.session_state[_NOTICE] = (
                f"Changing the {' and '.join(resets)} starts again from new weights: the "
                "previous run was stopped and its progress dropped.")
        spec = new
    st.session_state[_SYNCED] = spec.train
    st.caption("Learning rate and epoch budget apply live; other settings start again from "
               "new weights.")


def show_notices() -> None:
    """One-time messages from the last action (a reset notice, a refused start)."""
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.info(notice, icon=":material/restart_alt:")
    message = st.session_state.pop(_MESSAGE, None)
    if message:
        st.warning(message, icon=":material/hourglass_top:")


def _start(runner: Runner) -> None:
    st.session_state[_MESSAGE] = runner.start()


def _pause(runner: Runner) -> None:
    runner.pause()


def _step(runner: Runner, batches: int) -> None:
    st.session_state[_MESSAGE] = (runner.step(batches) if batches else runner.step_epoch())


def reset_weights() -> None:
    """Stop the run and start from freshly initialised weights (same seed, same start)."""
    reset_runner()
    st.session_state[_NOTICE] = "Reset: new weights, step 0."


def apply_fix(spec: Spec, settings: dict[str, Any], label: str) -> None:
    """A one-click fix from the Train page: new settings, new weights, and the settings
    widgets showing them (their stale values would otherwise be written back)."""
    for name, value in settings.items():
        show_value(name, value)
    set_spec(spec.with_train(**settings), fresh=True, what=label[:1].lower() + label[1:])
    reset_runner()
    chosen = ", ".join(f"{LABELS.get(n, n)} {v:g}" if isinstance(v, float) else
                       f"{LABELS.get(n, n)} {v}" for n, v in settings.items())
    st.session_state[_NOTICE] = f"Now training with {chosen}: new weights, step 0."


def render_controls(runner: Runner, snap: Snapshot) -> None:
    """Train / Pause, Step one batch, Step one epoch, Reset. Actions run as callbacks, so the
    page that follows already shows their effect."""
    c1, c2, c3, c4 = st.columns(4)
    if snap.running:
        c1.button("Pause", icon=":material/pause:", type="primary", key="train.pause",
                  on_click=_pause, args=(runner,), width="stretch")
    else:
        c1.button("Train", icon=":material/play_arrow:", type="primary", key="train.start",
                  on_click=_start, args=(runner,), width="stretch",
                  help="Train in the background until the epoch budget is spent. Training "
                       "goes on while you visit other pages.")
    c2.button("Step one batch", icon=":material/skip_next:", key="train.step",
              on_click=_step, args=(runner, 1), disabled=snap.running, width="stretch",
              help="One forward pass, one backward pass, one update (pause first).")
    c3.button("Step one epoch", icon=":material/fast_forward:", key="train.epoch",
              on_click=_step, args=(runner, 0), disabled=snap.running, width="stretch",
              help="Train until the current epoch ends, then evaluate on the test set.")
    c4.button("Reset", icon=":material/restart_alt:", key="train.reset",
              on_click=reset_weights, width="stretch",
              help="Start again from freshly initialised weights (the seed decides them).")
