"""The depth page's controls and live results: which data, depths, width and epochs; Start
and Stop; then one column per depth (boundary on 2D data, test accuracy, parameters) and
the accuracy figures, redrawn every POLL_SECONDS while the comparison trains.

The comparison runs as a job on the session's JobBoard (cancelled when the tab closes);
the DepthComparison it trains is kept in session state with the words naming what it was
started on, so results never mix with another session's or with other settings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from playground.datakinds import DATA_KINDS
from playground.datasets import dataset_info, make_data
from playground.depth import (
    CONV,
    DEFAULT_WIDTHS,
    DEPTHS,
    WIDTHS,
    DepthComparison,
    DepthSnapshot,
    block_style,
    depth_plans,
)
from playground.errors import SpecError
from playground.jobs import CANCELLED, DONE, FAILED, JobStatus
from playground.presets import PRESETS
from playground.spec import Spec
from playground.ui.blackbox_runs import job_board
from playground.ui.state import derived, get_spec
from playground.ui.text import md
from playground.viz.depth import accuracy_by_depth, depth_boundary, depth_curves, depth_name

POLL_SECONDS = 1.0
SLOW_SECONDS = 2.0  # while training, boundaries are redrawn at most this often: an unchanged
# figure keeps its chart in the browser, and five maps redrawn every poll slowed every click
JOB = "depth"
_RUN = "depth.run"  # session state: the latest Started comparison
YOURS = "yours"
OWN_CHOICES = ("spiral", "digits_cnn")  # presets whose data makes the point on each kind


@dataclass(frozen=True)
class Started:
    comparison: DepthComparison
    label: str  # what it was started on, shown above its results


def choose_data() -> tuple[Spec, str]:
    """A radio between the session's data (unless it is sequence data) and two presets;
    returns the spec the family is derived from and its key."""
    spec = get_spec()
    options: dict[str, str] = {}
    try:
        block_style(spec)  # sequence data, or data the server cannot make, is refused
        info = dataset_info(spec.dataset)
        options[YOURS] = f"Your data: {info.name} ({DATA_KINDS[info.kind].label})"
    except SpecError as exc:
        st.info(md(f"Your network's data is not offered here: {exc} Spiral and digits "
                   "are below."), icon=":material/info:")
    for key in OWN_CHOICES:
        own = PRESETS[key].spec()
        kind = DATA_KINDS[dataset_info(own.dataset).kind].label
        options[key] = f"{own.dataset.name} ({kind})"
    key = st.radio("Data", list(options), format_func=options.get,
                   horizontal=True, key="depth.data")
    return (spec if key == YOURS else PRESETS[key].spec()), key


def render_controls(spec: Spec, source: str) -> None:
    """Depths, width, epochs, Start and Stop; Start validates the family first."""
    style = block_style(spec)
    unit = ("channels in the first conv block, doubled in each next one" if style == CONV
            else "units per hidden layer")
    left, mid, right = st.columns([3, 2, 1])
    depths = left.multiselect("Hidden layers to compare", DEPTHS, default=list(DEPTHS),
                              format_func=depth_name, key="depth.depths")
    width = mid.select_slider(f"Width ({unit})", WIDTHS, value=DEFAULT_WIDTHS[style],
                              key=f"depth.width.{style}")
    epochs = right.number_input("Epochs", 1, 500, spec.train.epochs,
                                key=f"depth.epochs.{source}")
    board = job_board()
    status = board.status(JOB)
    buttons = st.container(horizontal=True)
    if buttons.button("Start comparison", type="primary", key="depth.start"):
        try:
            plans = depth_plans(spec, tuple(depths), int(width), int(epochs))
        except SpecError as exc:
            st.error(md(exc), icon=":material/error:")
            return
        comparison = DepthComparison(plans)
        blocks = (f"conv blocks of {width}, {2 * width}, … channels" if style == CONV
                  else f"dense blocks of {width} units")
        st.session_state[_RUN] = Started(comparison, (
            f"{spec.dataset.name}, {blocks}, {epochs} epochs, {spec.train.optimizer} at "
            f"learning rate {spec.train.lr:g}, seed {spec.train.seed}"))
        board.start(JOB, comparison.run)
        status = board.status(JOB)
    if status is not None and status.active and buttons.button("Stop", key="depth.stop"):
        job = board.get(JOB)
        if job is not None:
            job.cancel(wait=2.0)  # it stops at the next epoch's end, usually at once


def render_results() -> None:
    """The latest comparison's results; live (a polling fragment) while it trains."""
    started: Started | None = st.session_state.get(_RUN)
    status = job_board().status(JOB)
    if started is None or status is None:
        st.caption("Press **Start comparison**: every depth trains on the same data, with "
                   "the same settings and seed, one epoch each in turn.")
        return
    running = status.active

    @st.fragment(run_every=POLL_SECONDS if running else None)
    def results() -> None:
        now = job_board().status(JOB)
        if running and (now is None or not now.active):
            st.rerun()  # the whole page: Stop goes and the final state shows
        _state(now, started)
        _draw(started.comparison, started.comparison.snapshot(), running)

    results()


def _state(status: JobStatus | None, started: Started) -> None:
    st.caption(md(f"Comparing on {started.label}."))
    if status is None:
        return
    if status.active:
        st.progress(status.fraction, text=status.text)
    elif status.state == FAILED:
        st.error(md(status.error), icon=":material/error:")
    elif status.state == CANCELLED:
        st.info("Stopped. The results below are as far as each model got.")
    elif status.state == DONE:
        st.caption(f"Finished in {status.seconds:.1f} s.")


def _draw(comparison: DepthComparison, snap: DepthSnapshot, running: bool) -> None:
    if snap.message:
        st.warning(md(snap.message), icon=":material/timer:")
    data = make_data(comparison.plans[0].spec.dataset)
    cols = st.columns(len(snap.rows))
    for col, row in zip(cols, snap.rows, strict=True):
        with col:
            st.metric(depth_name(row.depth),
                      f"{row.last_test:.1%}" if row.test_accuracy else "–",
                      help="Test accuracy: on the held-out test split, after the latest "
                           "finished epoch.")
            st.caption(f"test accuracy · **{row.parameters:,}** parameters · epoch "
                       f"{row.epochs_done} of {row.epochs}")
            if row.failed:
                st.warning(md(row.failed))
            if snap.grid is not None and row.probs is not None:
                when = int(time.monotonic() / SLOW_SECONDS) if running else row.epochs_done
                st.plotly_chart(derived(
                    f"depth.boundary.{row.depth}", (comparison.run_id, when),
                    lambda row=row: depth_boundary(
                        row.depth, snap.grid.xs, snap.grid.ys, row.probs, data.x_train,
                        data.y_train, data.x_test, data.y_test, data.info.class_names),
                    keep=1), key=f"depth.boundary.{row.depth}")
    if snap.grid is not None:
        st.caption("Background: the class each network predicts there, stronger where it is "
                   "surer. Circles: training points; diamonds: test points.")
    depths = [r.depth for r in snap.rows]
    left, right = st.columns(2)
    left.plotly_chart(accuracy_by_depth(
        depths, [r.last_test for r in snap.rows],
        [r.train_accuracy[-1] if r.train_accuracy else None for r in snap.rows],
        [r.parameters for r in snap.rows]), key="depth.by_depth")
    right.plotly_chart(depth_curves(depths, [r.test_accuracy for r in snap.rows]),
                       key="depth.curves")
