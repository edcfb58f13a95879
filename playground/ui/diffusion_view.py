"""The Generative page's diffusion model: target, denoiser width/depth and the schedule,
the forward process at a chosen timestep, Train / Pause / Reset in the background, then the
loss per timestep band, quality, and the reverse chain frame by frame.

The DiffusionRun lives in this session's state and is trained by a job on the session's
JobBoard (cancelled when the tab closes), so no other session ever sees it.
"""

from __future__ import annotations

import streamlit as st

from playground.errors import SpecError
from playground.generative.diffusion import DiffusionTrainer
from playground.generative.diffusion_run import DiffusionRun, DiffusionSnapshot
from playground.generative.diffusion_spec import SCHEDULES, DiffusionSpec
from playground.generative.gan_presets import DIFFUSION_PRESETS
from playground.generative.targets import MIN_DRAWN, TARGETS, Target, drawn_target
from playground.ui.blackbox_runs import job_board
from playground.ui.generative_view import (
    DIF_DRAWN,
    DRAWN,
    drawn_points,
    live_fragment,
    run_controls,
    stack_ui,
)
from playground.ui.text import md
from playground.viz.diffusion import band_loss_figure, chain_animation, points_figure

JOB = "diffusion"
_SPEC, _RUN = "dif.spec", "dif.run"


def diffusion_spec() -> DiffusionSpec:
    if _SPEC not in st.session_state:
        st.session_state[_SPEC] = DIFFUSION_PRESETS["diffusion_ring"].spec()
    return st.session_state[_SPEC]


def diffusion_run() -> DiffusionRun | None:
    """This session's diffusion run, if it has one."""
    return st.session_state.get(_RUN)


def _target() -> Target | None:
    """The drawn target when this tab trains on the drawing, else the spec's own."""
    return drawn_target(drawn_points()) if st.session_state.get(DIF_DRAWN) else None


def _trainer() -> DiffusionTrainer:
    """The run's trainer, or an untrained one for the forward view before any run."""
    run = st.session_state.get(_RUN)
    return run.trainer if run is not None else DiffusionTrainer(diffusion_spec(), _target())


def render_diffusion() -> None:
    """Setup, the forward process, controls and the live views."""
    spec = diffusion_spec()
    s = spec.settings
    drawing = len(drawn_points()) >= MIN_DRAWN
    if not drawing:
        st.session_state[DIF_DRAWN] = False  # no drawing (any more) to train on
    options = [*TARGETS, *([DRAWN] if drawing else [])]
    cols = st.columns(4)
    target = cols[0].selectbox("Target", options, key="dif.target" + (".drawn" * drawing),
                               index=options.index(DRAWN if st.session_state.get(DIF_DRAWN)
                                                   else spec.target))
    if (target == DRAWN) != bool(st.session_state.get(DIF_DRAWN)):
        st.session_state[DIF_DRAWN] = target == DRAWN
        job_board().cancel(JOB)  # the run imitates the old target
        st.session_state.pop(_RUN, None)
    target = spec.target if target == DRAWN else target
    schedule = cols[1].selectbox("Noise schedule", SCHEDULES,
                                 index=SCHEDULES.index(s["schedule"]), key="dif.schedule")
    timesteps = cols[2].number_input("Timesteps T", 2, 1000, s["timesteps"], key="dif.T")
    steps = cols[3].number_input("Training steps", 1, 100_000, s["steps"], step=500,
                                 key="dif.steps")
    denoiser = stack_ui(st.container(), "Denoiser", "[x_t, embedding of t] → noise ε",
                        spec.denoiser, "linear 2 (ε)", "dif.denoiser")
    try:
        new = DiffusionSpec.from_dict({**spec.to_dict(), "target": target,
                                       "denoiser": denoiser,
                                       "train": {**spec.to_dict()["train"], "steps": steps,
                                                 "schedule": schedule,
                                                 "timesteps": timesteps}})
    except SpecError as exc:
        st.error(md(exc), icon=":material/error:")
        return
    if new != spec:
        job_board().cancel(JOB)
        st.session_state.pop(_RUN, None)
        st.session_state[_SPEC] = spec = new
    st.caption(DIFFUSION_PRESETS["diffusion_ring"].description)

    t = st.slider("Forward process: timestep t", 0, spec.settings["timesteps"] - 1, 0,
                  key="dif.forward")
    trainer = _trainer()
    ab = float(trainer.schedule.alpha_bar[t])
    st.plotly_chart(points_figure(trainer.eval_real[:500], trainer.forward_points(t),
                                  f"q(x_t | x_0) at t = {t}: ᾱ_t = {ab:.3f}"),
                    key="dif.forward_fig")
    st.caption(f"Each point is x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε: {ab:.0%} of the signal's "
               "variance is left; by the last step the data has dissolved into N(0, I).")
    run_controls(JOB, "dif", _ensure_run, "Training steps", (_RUN,))
    _live()


def _ensure_run() -> DiffusionRun | None:
    run = st.session_state.get(_RUN)
    if run is None:
        try:
            trainer = DiffusionTrainer(diffusion_spec(), _target())
        except SpecError as exc:
            st.error(md(exc), icon=":material/error:")
            return None
        run = st.session_state[_RUN] = DiffusionRun(trainer)
    return run


def _live() -> None:
    run = st.session_state.get(_RUN)
    if run is None:
        st.caption("Press **Train** to teach the denoiser to predict the noise.")
        return
    live_fragment(JOB, lambda: _draw(run.snapshot(), run.trainer.spec.settings["timesteps"]))


def _draw(snap: DiffusionSnapshot, timesteps: int) -> None:
    h = snap.history
    q = h.quality[-1] if h.quality else None
    cols = st.columns(4)
    cols[0].metric("Training steps", f"{snap.steps_done:,} / {snap.steps:,}")
    cols[1].metric("MMD² to the data", f"{q.mmd:.4f}" if q else "–")
    if q is not None and q.n_modes:
        cols[2].metric("Modes covered", f"{q.modes_covered} of {q.n_modes}")
        cols[3].metric("High-quality samples", f"{q.high_quality:.0%}")
    left, right = st.columns([3, 2])
    left.plotly_chart(chain_animation(snap.real, snap.chain), key="dif.reverse")
    left.caption("Press **▶ Play** under the chart to watch reverse sampling run from pure "
                 "noise (frame 0) to the samples, one denoising stretch per frame, or drag "
                 "its slider. While training runs each redraw starts the chart again: pause "
                 "to watch it through.")
    right.plotly_chart(band_loss_figure(h.steps, h.band_loss, timesteps), key="dif.bands")
    right.caption("Low timesteps (little noise) are the hardest to predict the noise of; "
                  "high ones are nearly pure noise, so ε is almost x_t itself.")
