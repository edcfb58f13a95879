"""The Train page's live view: status, curves and what the model predicts, redrawn by time.
For a regression dataset the scores are RMSE and R² and the predictions a surface over the
plane or a curve over x.

While a run is going the view is a fragment that reruns every POLL_SECONDS, reading the
runner's lock-guarded snapshot; when paused nothing polls. Each poll is kept cheap: the
figures are plain dicts, long loss curves are averaged down, and the costly derived views
(plane grid, test-set predictions) are cached by model version and recomputed while running
only when an epoch ends (the 2D boundary, a few milliseconds, every poll).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import streamlit as st

from playground.datakinds import DATA_KINDS
from playground.datasets import Data
from playground.diagnosis import (
    STUCK_EPOCHS,
    Finding,
    fixes_for,
    from_history,
    from_model,
    mean_guess_loss,
)
from playground.inspection.plane import plane_grid, predict_plane
from playground.metrics import (
    accuracy,
    confusion_matrix,
    per_class_accuracy,
    predict,
    predict_values,
    sequence_accuracy,
)
from playground.runner import Runner, Snapshot
from playground.spec import Spec
from playground.ui.state import derived
from playground.ui.text import md
from playground.ui.train_controls import apply_fix, reset_weights
from playground.viz.boundary import decision_boundary, prediction_surface
from playground.viz.curves import accuracy_curve, loss_curve, r2_curve, rmse_curve
from playground.viz.predictions import (
    confusion_matrix_figure,
    predicted_curve,
    prediction_grid,
    sequence_table,
)

POLL_SECONDS = 1.0  # redraw by wall time, never every N steps (see NOTES)
SLOW_SECONDS = 2.0  # while running, heavier views change at most this often: an unchanged
# figure keeps its element id, so the browser keeps the drawn chart instead of remounting it
GRID_RESOLUTION = 60
CURVE_RESOLUTION = 200  # x values the predicted curve of a 1D regression is drawn through
IMAGES_SHOWN = 24
SEQUENCES_SHOWN = 8


def _cached(name: str, key: Hashable, compute: Callable[[], Any]) -> Any:
    """The value computed for `key` the last time, or a fresh one (one entry per name)."""
    return derived(f"live.{name}", key, compute, keep=1)


def _view_key(snap: Snapshot) -> tuple:
    """While running, test-set views change once an epoch (at most every SLOW_SECONDS);
    when paused, with every step."""
    return _slow_key(snap) + (snap.epoch,)


def _slow_key(snap: Snapshot) -> tuple:
    """Changes every SLOW_SECONDS while running, and with every step when paused."""
    return (snap.key.run_id,
            int(time.monotonic() / SLOW_SECONDS) if snap.running else snap.key.version)


def _rate(snap: Snapshot) -> float:
    wall = snap.extra.get("wall_samples_per_second", 0.0)
    return wall or snap.samples_per_second


def render_status(snap: Snapshot, regression: bool = False) -> None:
    """Epoch, step, speed, device, the latest loss and test accuracy (regression: test RMSE
    and R²) in one row."""
    cols = st.columns(7 if regression else 6)
    cols[0].metric("Epoch", f"{snap.epoch} / {snap.epochs_budget}")
    cols[1].metric("Step", f"{snap.step:,}",
                   help=f"Batches trained; {snap.steps_per_epoch} make one epoch.")
    cols[2].metric("Samples / s", f"{_rate(snap):,.0f}",
                   help="Training examples per second of wall time in the latest run.")
    cols[3].metric("Device", snap.device)
    loss = snap.step_loss[-1] if snap.step_loss else None
    cols[4].metric("Last loss", "–" if loss is None else  # short enough for its column
                   f"{loss:.3g}" if loss >= 1e-3 else f"{loss:.1e}",
                   help="The latest batch's training loss.")
    last = snap.epochs[-1] if snap.epochs else {}
    after = "On the held-out test split, after the latest full epoch."
    if regression:
        cols[5].metric("Test RMSE", f"{last['test_rmse']:.4g}" if "test_rmse" in last
                       else "–", help="Root mean squared error, in the target's units (0 is "
                                      "perfect). " + after)
        cols[6].metric("Test R²", f"{last['test_r2']:.3f}" if "test_r2" in last else "–",
                       help="1 is perfect; 0 is no better than always predicting the mean "
                            "target; below 0 is worse. " + after)
    else:
        cols[5].metric("Test accuracy", f"{last['test_accuracy']:.1%}" if "test_accuracy"
                       in last else "–", help=after)
    state = (f"Waiting to start: the server trains as many runs as it allows, and yours is "
             f"number {snap.queued} in its queue. It starts by itself; Pause leaves the queue."
             if snap.queued else
             "Training…" if snap.running else "Diverged" if snap.diverged else
             "Finished: the epoch budget is spent." if snap.done else
             "Paused." if snap.step else "Untrained: press Train or Step.")
    st.caption(f"{state}  ·  learning rate {snap.lr:g}")


def _findings(runner: Runner, snap: Snapshot) -> list[Finding]:
    """What is going wrong besides a NaN, once per finished epoch of this run."""
    if not snap.epochs:
        return []

    def compute() -> list[Finding]:
        trainer = runner.trainer
        info, data = trainer.report.info, trainer.data
        guess = (mean_guess_loss(data.y_train, trainer.spec.train.loss) if info.regression
                 else None)  # regression's chance level: always the mean target
        found = from_history(snap.epochs, snap.step_loss, info.num_classes, snap.lr, guess)
        if snap.epoch < STUCK_EPOCHS:  # early models may still predict one class
            return found
        model, _ = runner.model_copy()
        kinds = [row.kind for row in trainer.report.rows]
        return found + from_model(model, kinds, data.x_test, info.num_classes,
                                  data.y_test if info.regression else None)

    return _cached("findings", (snap.key.run_id, snap.epoch, snap.lr), compute)


def render_failure(runner: Runner, snap: Snapshot, spec: Spec) -> bool:
    """What went wrong (divergence, or a run failing without a NaN), why, and one-click
    fixes that start again at the new settings. True when something was shown."""
    findings = _findings(runner, snap)
    if not (snap.diverged or findings):
        return False
    if snap.diverged:
        st.error(md(snap.diverged), icon=":material/warning:")
    for finding in findings:
        st.warning(md(finding.message), icon=":material/trending_flat:")
    st.markdown("**What to try:** a learning rate ten times smaller; an adaptive optimizer "
                "(adam); a normalisation layer after each linear or convolution; smaller "
                "L1/L2 penalties.")
    fixes = fixes_for(spec.train.optimizer, spec.train.lr)
    cols = st.columns(len(fixes) + 1)
    for col, (name, fix) in zip(cols, fixes.items(), strict=False):
        if col.button(fix.label, key=f"live.fix.{name}", type="primary" if
                      name == "lower_lr" else "secondary", on_click=apply_fix,
                      args=(spec, fix.settings, fix.label)):
            st.rerun(scope="app")  # the settings above the live view show the new values
    cols[-1].button("Reset with new weights", on_click=reset_weights, key="live.reset")
    return True


def render_curves(snap: Snapshot, columns: int = 2, loss: str = "cross_entropy",
                  regression: bool = False) -> None:
    """The loss, and accuracy (regression: R² and RMSE) per epoch."""
    axis = st.segmented_control("x axis", ["step", "epoch"], default="step",
                                key="live.x_axis", label_visibility="collapsed") or "step"
    charts = 3 if regression else 2
    cols = st.columns(columns) if columns > 1 else [st.container() for _ in range(charts)]
    cols[0].plotly_chart(loss_curve(snap.step_loss, snap.epochs, axis, snap.steps_per_epoch,
                                    loss=loss), key="live.loss")
    # Scores change once an epoch: reuse the figure in between (no redraw in the browser).
    if regression:
        cols[1].plotly_chart(_cached("r2_fig", (len(snap.epochs), axis),
                                     lambda: r2_curve(snap.epochs, axis)), key="live.r2")
        cols[2 % len(cols)].plotly_chart(_cached("rmse_fig", (len(snap.epochs), axis),
                                                 lambda: rmse_curve(snap.epochs, axis)),
                                         key="live.rmse")
    else:
        cols[1].plotly_chart(_cached("accuracy_fig", (len(snap.epochs), axis),
                                     lambda: accuracy_curve(snap.epochs, axis)),
                             key="live.accuracy")
    if not snap.epochs:
        st.caption("Test loss and " + ("RMSE and R²" if regression else "accuracy")
                   + " appear after the first epoch.")


def _boundary(runner: Runner, snap: Snapshot, data: Data) -> None:
    grid = _cached("grid", id(data), lambda: plane_grid(
        np.concatenate([data.x_train, data.x_test]), GRID_RESOLUTION))

    def compute():
        model, _ = runner.model_copy()
        return decision_boundary(grid.xs, grid.ys, predict_plane(model, grid), data.x_train,
                                 data.y_train, data.x_test, data.y_test, data.info.class_names)

    st.plotly_chart(_cached("boundary", _slow_key(snap), compute), key="live.boundary")
    st.caption("Circles: training points · diamonds with a dark outline: test points · "
               "the background is the class the network predicts there.")


def _surface(runner: Runner, snap: Snapshot, data: Data) -> None:
    """2D regression: the predicted number over the plane, the points coloured by target."""
    grid = _cached("grid", id(data), lambda: plane_grid(
        np.concatenate([data.x_train, data.x_test]), GRID_RESOLUTION))

    def compute():
        model, _ = runner.model_copy()
        values = predict_values(model, grid.points).reshape(grid.resolution, -1)
        return prediction_surface(grid.xs, grid.ys, values, data.x_train, data.y_train,
                                  data.x_test, data.y_test)

    st.plotly_chart(_cached("surface", _slow_key(snap), compute), key="live.surface")
    st.caption("The background is the number the network predicts there (blue low, white "
               "middle, orange high; the colour bar gives values). Circles: training points · "
               "diamonds with a dark outline: test points, each coloured by its target — "
               "where the model fits, a point disappears into the background.")


def curve_inputs(data: Data, resolution: int = CURVE_RESOLUTION) -> np.ndarray:
    """(R, 1) inputs spanning the data's x range with a margin, for a 1D predicted curve."""
    x = np.concatenate([data.x_train, data.x_test])[:, 0]
    lo, hi = float(x.min()), float(x.max())
    pad = (hi - lo) * 0.1 + 1e-6
    return np.linspace(lo - pad, hi + pad, resolution, dtype=np.float32)[:, None]


def _curve(runner: Runner, snap: Snapshot, data: Data) -> None:
    """1D regression: the predicted curve through the training and test points."""
    xs = _cached("curve_x", id(data), lambda: curve_inputs(data))
    info = data.info
    feature = DATA_KINDS[info.kind].feature_names(1, info.feature_names)[0]

    def compute():
        model, _ = runner.model_copy()
        return predicted_curve(xs[:, 0], predict_values(model, xs), data.x_train, data.y_train,
                               data.x_test, data.y_test, feature)

    st.plotly_chart(_cached("curve", _slow_key(snap), compute), key="live.curve")
    st.caption("The black line is what the network predicts for every x; circles are "
               "training points, diamonds test points. A good fit runs through the middle of "
               "the points without chasing their noise.")


def _test_predictions(runner: Runner, snap: Snapshot, data: Data) -> np.ndarray:
    def compute():
        model, _ = runner.model_copy()
        return predict(model, data.x_test)[0]

    return _cached("test_pred", _view_key(snap), compute)


def _confusion(pred: np.ndarray, data: Data) -> None:
    k = data.info.num_classes
    matrix = confusion_matrix(data.y_test, pred, k)
    st.plotly_chart(confusion_matrix_figure(matrix, data.info.class_names),
                    key="live.confusion")
    recall = per_class_accuracy(matrix)
    st.caption("Per-class test accuracy: " + ", ".join(
        f"{data.info.class_names[i]} {r:.0%}" for i, r in enumerate(recall) if r == r))


def _images_view(runner: Runner, snap: Snapshot, data: Data) -> None:
    pred = _test_predictions(runner, snap, data)
    left, right = st.columns([3, 2])
    n = min(IMAGES_SHOWN, len(pred))
    with left:
        st.plotly_chart(prediction_grid(data.x_test[:n], data.y_test[:n], pred[:n],
                                        data.info.class_names), key="live.images")
    with right:
        _confusion(pred, data)


def _tokens_view(runner: Runner, snap: Snapshot, data: Data) -> None:
    pred = _test_predictions(runner, snap, data)
    n = min(SEQUENCES_SHOWN, len(pred))
    a, b = st.columns(2)
    if data.info.task == "tokens":
        a.metric("Per-token test accuracy", f"{accuracy(data.y_test, pred):.1%}",
                 help="Output positions predicted right.")
        b.metric("Per-sequence test accuracy",
                 f"{sequence_accuracy(data.y_test, pred):.1%}",
                 help="Sequences with every output token right.")
    else:
        a.metric("Test accuracy", f"{accuracy(data.y_test, pred):.1%}",
                 help="Sequences given the right label.")
    st.plotly_chart(sequence_table(data.x_test[:n], data.y_test[:n], pred[:n],
                                   data.info.vocab, data.info.class_names),
                    key="live.sequences")


def _confusion_view(runner: Runner, snap: Snapshot, data: Data) -> None:
    pred = _test_predictions(runner, snap, data)
    left, right = st.columns([3, 2])
    with left:
        _confusion(pred, data)
    right.markdown("**Reading the confusion matrix.** Each row is a true class, each "
                   "column the class the network predicted. A perfect model puts every "
                   "example on the diagonal; a count off the diagonal is a mistake, and "
                   "its place says which classes the network confuses.")


# DataKind.prediction_view and .regression_view -> what draws it.
PREDICTION_VIEWS: dict[str, Callable[[Runner, Snapshot, Data], None]] = {
    "boundary": _boundary, "images": _images_view, "confusion": _confusion_view,
    "tokens": _tokens_view, "surface": _surface, "curve": _curve}
_BESIDE_CURVES = {"boundary", "surface", "curve"}  # plots that fit beside a column of curves


def prediction_view(data: Data) -> str:
    """The name of the view that fits the data's kind and task."""
    return DATA_KINDS[data.info.kind].view_for(data.info.regression)


def render_predictions(runner: Runner, snap: Snapshot, data: Data) -> None:
    """The view of the predictions that fits the data kind and task: the decision boundary
    (2D), images, a confusion matrix or sequences; for regression the predicted surface (2D)
    or curve (1D)."""
    PREDICTION_VIEWS[prediction_view(data)](runner, snap, data)


def render_live_view(runner: Runner, spec: Spec) -> None:
    """Status, curves and predictions; a polling fragment while the run is going."""
    running = runner.running

    @st.fragment(run_every=POLL_SECONDS if running else None)
    def live() -> None:
        snap = runner.snapshot()
        if running and not snap.running:
            st.rerun()  # the run ended by itself: redraw controls, stop polling
        data = runner.trainer.data  # read-only arrays, safe outside the lock
        regression = data.info.regression
        render_status(snap, regression)
        if snap.message:
            st.warning(md(snap.message), icon=":material/timer:")
        render_failure(runner, snap, spec)
        loss = runner.trainer.spec.train.loss
        if prediction_view(data) in _BESIDE_CURVES:
            left, right = st.columns([1, 1])
            with left:
                render_curves(snap, columns=1, loss=loss, regression=regression)
            with right:
                render_predictions(runner, snap, data)
        else:
            render_curves(snap, loss=loss, regression=regression)
            render_predictions(runner, snap, data)

    live()
