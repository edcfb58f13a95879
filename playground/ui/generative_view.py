"""The Generative page's GAN: the target (built in, or the learner's CSV of points), both
stacks and the players' settings, Train / Pause / Reset and the slow-motion stepper, then
the live views read from the run's snapshot every POLL_SECONDS.

The GanRun lives in this session's state and is trained by a job on the session's JobBoard
(cancelled when the tab closes), so no other session ever sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import streamlit as st

from playground.errors import SpecError
from playground.generative.gan import GanTrainer
from playground.generative.gan_presets import GAN_PRESETS
from playground.generative.gan_run import GanRun, GanSnapshot
from playground.generative.gan_spec import GAN_PARAMS, GanSpec
from playground.generative.live_run import LiveRun
from playground.generative.targets import (
    MAX_DRAWN,
    MIN_DRAWN,
    TARGETS,
    drawn_target,
    parse_points_csv,
    points_target,
)
from playground.ui.blackbox_runs import job_board
from playground.ui.text import md
from playground.viz.click_plane import click_plane, clicked_points
from playground.viz.generative import gan_losses, quality_figure, samples_figure

POLL_SECONDS = 1.0
JOB = "gan"
OWN = "your points"
_SPEC, _RUN, _POINTS, _NARRATION = "gan.spec", "gan.run", "gan.points", "gan.narration"
_VERSION = "gan.version"
DRAWN = "your drawing"
_DRAWN, _DRAW_PLANE = "gen.drawn", "gen.draw_plane"  # [(x, y)] clicked; the click chart
_GAN_DRAWN, DIF_DRAWN = "gan.drawn", "dif.drawn"  # whether each model trains on the drawing
# What uses the drawing: its flag, its job and the session keys of its run, dropped when the
# drawing changes (the run's target was the old drawing).
_DRAWING_USERS = ((_GAN_DRAWN, JOB, (_RUN, _NARRATION)), (DIF_DRAWN, "diffusion", ("dif.run",)))
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "gelu", "sigmoid")
_PARAMS = {p.name: p for p in GAN_PARAMS}


def gan_spec() -> GanSpec:
    if _SPEC not in st.session_state:
        st.session_state[_SPEC] = GAN_PRESETS["gan_ring"].spec()
    return st.session_state[_SPEC]


def gan_run() -> GanRun | None:
    return st.session_state.get(_RUN)


def _set_spec(spec: GanSpec) -> None:
    """A new spec puts the run aside (its weights belong to the old one)."""
    if spec != st.session_state.get(_SPEC):
        job_board().cancel(JOB)
        st.session_state.pop(_RUN, None)
        st.session_state.pop(_NARRATION, None)
    st.session_state[_SPEC] = spec


def _replace_spec(spec: GanSpec) -> None:
    """A spec from outside the widgets (preset, paste, target): the widgets are keyed by a
    version, so they start again from the new spec instead of keeping their old values."""
    _set_spec(spec)
    st.session_state[_VERSION] = st.session_state.get(_VERSION, 0) + 1


def render_setup() -> None:
    """Preset, target, upload, both stacks and the settings."""
    spec = gan_spec()
    top = st.columns([2, 2, 3])
    preset = top[0].selectbox("Preset", ["–", *GAN_PRESETS], key="gan.preset",
                              format_func=lambda k: GAN_PRESETS[k].title if k in GAN_PRESETS
                              else "choose a preset…")
    if preset in GAN_PRESETS and top[0].button("Open preset", key="gan.open"):
        _replace_spec(GAN_PRESETS[preset].spec())
        st.session_state.pop(_POINTS, None)
        st.rerun()
    if preset in GAN_PRESETS:
        top[0].caption(GAN_PRESETS[preset].description)
    drawing = drawn_points()
    if st.session_state.get(_GAN_DRAWN) and len(drawing) < MIN_DRAWN:
        st.session_state[_GAN_DRAWN] = False  # the drawing was cleared
    targets = [*TARGETS, *([OWN] if _POINTS in st.session_state else []),
               *([DRAWN] if len(drawing) >= MIN_DRAWN else [])]
    current = (OWN if _POINTS in st.session_state else
               DRAWN if st.session_state.get(_GAN_DRAWN) else spec.target)
    target = top[1].selectbox("Target distribution", targets, index=targets.index(current),
                              key=f"gan.target.{current}.{len(targets)}",
                              help="The 2D points the generator learns to imitate.")
    top[1].caption(TARGETS[target].description if target in TARGETS
                   else drawn_target(drawing).description if target == DRAWN
                   else f"Your {len(st.session_state[_POINTS]):,} points.")
    upload = top[2].file_uploader("Or upload your points (CSV: x,y per row)", type=["csv"],
                                  key="gan.upload")
    if upload is not None and st.session_state.get("gan.upload_name") != upload.file_id:
        try:
            points = parse_points_csv(upload.getvalue())
        except SpecError as exc:
            top[2].error(md(exc), icon=":material/error:")
        else:
            st.session_state["gan.upload_name"] = upload.file_id
            st.session_state[_POINTS] = points
            _set_spec(spec)
            job_board().cancel(JOB)
            st.session_state.pop(_RUN, None)
            st.rerun()
    if target != current:
        if target != OWN:
            st.session_state.pop(_POINTS, None)
        st.session_state[_GAN_DRAWN] = target == DRAWN
        job_board().cancel(JOB)  # a new target: the run's samples imitate the old one
        st.session_state.pop(_RUN, None)
        _replace_spec(GanSpec.from_dict({**spec.to_dict(), "target": target})
                      if target in TARGETS else spec)
        st.rerun()

    left, right = st.columns(2)
    v = st.session_state.get(_VERSION, 0)
    stacks = {"generator": stack_ui(left, "Generator", "noise z → point", spec.generator,
                                    "linear 2 (x, y)", f"gan.generator.{v}"),
              "discriminator": stack_ui(right, "Discriminator", "point → real?",
                                        spec.discriminator, "linear 1 (logit)",
                                        f"gan.discriminator.{v}")}
    settings = _settings_ui(spec.settings)
    try:
        new = GanSpec.from_dict({**spec.to_dict(), **stacks, "train": settings})
    except SpecError as exc:
        st.error(md(exc), icon=":material/error:")
        return
    _set_spec(new)
    with st.expander("Spec as JSON (download, or paste one)"):
        st.download_button("Download GAN spec", new.to_json(), "gan_spec.json",
                           mime="application/json", key="gan.download")
        text = st.text_area("Paste a GAN spec", key="gan.paste", height=120)
        if st.button("Apply pasted spec", key="gan.apply") and text.strip():
            try:
                _replace_spec(GanSpec.from_json(text))
            except SpecError as exc:
                st.error(md(exc), icon=":material/error:")
            else:
                st.rerun()


def stack_ui(col: Any, title: str, what: str, layers: tuple[dict, ...], head: str,
             key: str) -> list[dict]:
    """Hidden layers, width and activation of one network (the GAN's players, the
    denoiser); returns its layer list. The head (`head`, e.g. "linear 2 (x, y)") is added
    when it is built."""
    linear = [la for la in layers if la["type"] == "linear"]
    acts = [la["type"] for la in layers if la["type"] in ACTIVATIONS]
    col.markdown(f"**{title}** ({what})")
    a, b, c = col.columns(3)
    depth = a.number_input("Hidden layers", 0, 4, len(linear), key=f"{key}.depth")
    width = b.number_input("Units each", 4, 256, linear[0]["units"] if linear else 64,
                           step=4, key=f"{key}.width")
    act = c.selectbox("Activation", ACTIVATIONS,
                      index=ACTIVATIONS.index(acts[0]) if acts else 0, key=f"{key}.act")
    built = [la for _ in range(int(depth)) for la in ({"type": "linear", "units": int(width)},
                                                      {"type": act})]
    col.caption(" → ".join([f"linear {width} → {act}"] * int(depth) + [head]))
    return built


def _settings_ui(s: dict[str, Any]) -> dict[str, Any]:
    v = st.session_state.get(_VERSION, 0)
    cols = st.columns(5)
    out = dict(s)
    out["loss"] = cols[0].selectbox("Loss", _PARAMS["loss"].choices,
                                    index=_PARAMS["loss"].choices.index(s["loss"]),
                                    help=_PARAMS["loss"].help, key=f"gan.loss.{v}")
    out["noise_dim"] = int(cols[1].number_input("Noise dimension", 1, 64, s["noise_dim"],
                                                help=_PARAMS["noise_dim"].help,
                                                key=f"gan.noise.{v}"))
    out["d_steps"] = int(cols[2].number_input("D steps per G step (k)", 1, 10, s["d_steps"],
                                              key=f"gan.k.{v}", help=_PARAMS["d_steps"].help))
    out["steps"] = int(cols[3].number_input("Generator steps", 1, 100_000, s["steps"],
                                            step=500, key=f"gan.steps.{v}"))
    out["seed"] = int(cols[4].number_input("Seed", 0, 2**31 - 1, s["seed"], key=f"gan.seed.{v}"))
    cols = st.columns(5)
    lrs = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
    for col, who in zip(cols[:2], ("g", "d"), strict=True):
        value = s[f"{who}_lr"]
        options = sorted({*lrs, value})
        out[f"{who}_lr"] = col.select_slider(f"{'Generator' if who == 'g' else 'Discriminator'}"
                                             " learning rate", options, value=value,
                                             key=f"gan.{who}_lr.{v}")
    for col, who in zip(cols[2:4], ("g", "d"), strict=True):
        choices = _PARAMS[f"{who}_optimizer"].choices
        out[f"{who}_optimizer"] = col.selectbox(
            f"{'Generator' if who == 'g' else 'Discriminator'} optimizer", choices,
            index=choices.index(s[f"{who}_optimizer"]), key=f"gan.{who}_opt.{v}")
    out["batch_size"] = int(cols[4].number_input("Batch", 8, 2048, s["batch_size"], step=32,
                                                 key=f"gan.batch.{v}"))
    return out


def _ensure_run() -> GanRun | None:
    run = gan_run()
    if run is None:
        points = st.session_state.get(_POINTS)
        try:
            target = (points_target(points) if points is not None else
                      drawn_target(drawn_points()) if st.session_state.get(_GAN_DRAWN)
                      else None)
            trainer = GanTrainer(gan_spec(), target)
        except SpecError as exc:
            st.error(md(exc), icon=":material/error:")
            return None
        run = st.session_state[_RUN] = GanRun(trainer)
    return run


def drawn_points() -> np.ndarray:
    """The points clicked on the drawing plane so far, (k, 2) in ±1."""
    return np.array(st.session_state.get(_DRAWN, []), dtype=np.float32).reshape(-1, 2)


def _drawing_changed() -> None:
    """Runs trained on the old drawing are put aside (their target is gone)."""
    for flag, job, keys in _DRAWING_USERS:
        if st.session_state.get(flag):
            job_board().cancel(job)
            for key in keys:
                st.session_state.pop(key, None)


def _add_drawn() -> None:
    added = clicked_points(st.session_state.get(_DRAW_PLANE))
    if added:
        st.session_state[_DRAWN] = [*st.session_state.get(_DRAWN, []), *added][-MAX_DRAWN:]
        _drawing_changed()


def render_drawing() -> None:
    """A plane to click a target distribution onto, for either model: each click is a
    small Gaussian the generator or denoiser learns to cover."""
    drawing = drawn_points()
    fig = click_plane(drawing, np.zeros(len(drawing), np.int64), [DRAWN])
    fig.update_layout(title="Click to add a point to your target", xaxis_title="x",
                      yaxis_title="y", margin={"l": 50, "r": 10, "t": 40, "b": 40})
    left, right = st.columns([3, 2])
    left.plotly_chart(fig, key=_DRAW_PLANE, on_select=_add_drawn, selection_mode="points",
                      config={"displayModeBar": False})
    right.markdown(f"**{len(drawing)} points drawn.** " + (
        f"Pick **{DRAWN}** as the target in the GAN or Diffusion tab."
        if len(drawing) >= MIN_DRAWN else f"Click at least {MIN_DRAWN} places."))
    right.caption("Each click becomes a small Gaussian the generator or denoiser learns to "
                  "cover, and counts as a mode in the quality measures; click a place twice "
                  "to give it double weight. The drawing is centred and scaled to the size "
                  "of the built-in targets. Changing it starts the runs trained on it again.")
    if right.button("Undo the last point", key="gen.draw_undo", disabled=not len(drawing)):
        st.session_state[_DRAWN] = st.session_state.get(_DRAWN, [])[:-1]
        _drawing_changed()
        st.rerun()
    if right.button("Clear the drawing", key="gen.draw_clear", disabled=not len(drawing)):
        st.session_state[_DRAWN] = []
        _drawing_changed()
        st.rerun()


def run_controls(job: str, prefix: str, ensure_run: Callable[[], LiveRun | None],
                 budget: str, forget: tuple[str, ...]) -> tuple[Any, bool]:
    """Train / Pause and Reset for a live run on the session's job board, shared by the GAN
    and the diffusion tab. Returns the row (for more buttons) and whether it is training.

    Args:
        job: the job's name on the board; prefix: the widgets' key prefix.
        ensure_run: the session's run, made on first use (None, with a message shown, when
            it cannot be built).
        budget: the setting to raise once the budget is spent, for the message.
        forget: session keys Reset drops (the run first).
    """
    board = job_board()
    status = board.status(job)
    training = status is not None and status.active
    row = st.container(horizontal=True)
    if training:
        if row.button("Pause", key=f"{prefix}.pause", type="primary"):
            running = board.get(job)
            if running is not None:
                running.cancel(wait=2.0)
            st.rerun()
    elif row.button("Train", key=f"{prefix}.train", type="primary"):
        run = ensure_run()
        if run is not None and run.trainer.finished:
            st.info(f"This run has spent its step budget: raise {budget} or Reset.")
        elif run is not None:
            message = board.start(job, run.train)
            if message:
                st.warning(md(message))
            st.rerun()
    if row.button("Reset", key=f"{prefix}.reset"):
        board.cancel(job)
        for key in forget:
            st.session_state.pop(key, None)
        st.rerun()
    return row, training


def live_fragment(job: str, draw: Callable[[], None]) -> None:
    """`draw()` in a fragment that polls every POLL_SECONDS while the job trains, with one
    full rerun when it stops (so the buttons change) and its error, if any."""
    status = job_board().status(job)
    training = status is not None and status.active

    @st.fragment(run_every=POLL_SECONDS if training else None)
    def live() -> None:
        now = job_board().status(job)
        if training and (now is None or not now.active):
            st.rerun()
        if now is not None and now.error:
            st.error(md(now.error), icon=":material/error:")
        draw()

    live()


def render_controls() -> None:
    """Train / Pause, Reset, and the slow-motion D step and G step."""
    row, training = run_controls(JOB, "gan", _ensure_run, "Generator steps",
                                 (_RUN, _NARRATION))
    slow = row.button("Slow motion: D step", key="gan.d_step", disabled=training)
    slow_g = row.button("Slow motion: G step", key="gan.g_step", disabled=training)
    if slow or slow_g:
        run = _ensure_run()
        if run is not None:
            st.session_state[_NARRATION] = _narrate("d" if slow else "g",
                                                    run.slow_step("d" if slow else "g"))
    if st.session_state.get(_NARRATION):
        st.info(st.session_state[_NARRATION], icon=":material/slow_motion_video:")


def _narrate(phase: str, m: dict[str, float]) -> str:
    if phase == "d":
        return (f"**Discriminator step.** D saw a batch of real points and a batch the "
                f"generator made (the generator's weights stayed put) and moved its weights "
                f"to tell them apart: loss {m['d_loss']:.3f}, mean D(x) on real points "
                f"{m['d_real']:.2f}, on generated ones {m['d_fake']:.2f}. The heatmap is D's "
                "new view of the plane. Next: **G step**.")
    return (f"**Generator step.** G made new points and followed the gradient of its loss "
            f"through the discriminator (whose weights stayed put): loss {m['g_loss']:.3f}. "
            "Each arrow shows where a point was pushed — up D's slope, towards what D calls "
            "real. Next: **D step**.")


def render_live() -> None:
    """The run's live views; a polling fragment while it trains."""
    run = gan_run()
    if run is None:
        st.caption("Press **Train** to start, or step in slow motion: a discriminator step, "
                   "then a generator step.")
        return
    live_fragment(JOB, lambda: _draw(run.snapshot()))


def _draw(snap: GanSnapshot) -> None:
    h = snap.history
    q = h.quality[-1] if h.quality else None
    cols = st.columns(4)
    cols[0].metric("Generator steps", f"{snap.steps_done:,} / {snap.steps:,}")
    cols[1].metric("MMD² to the data", f"{q.mmd:.4f}" if q else "–",
                   help="Maximum mean discrepancy between 2,000 generated and real points: "
                        "0 when the distributions match.")
    if q is not None and q.n_modes:
        cols[2].metric("Modes covered", f"{q.modes_covered} of {q.n_modes}",
                       help="A mode counts when a quarter of its fair share of samples lie "
                            "within 3 standard deviations of it.")
        cols[3].metric("High-quality samples", f"{q.high_quality:.0%}",
                       help="Share of samples within 3 standard deviations of some mode.")
    for failure in snap.failures:
        st.warning(md(f"{failure.name.capitalize()}: {failure.explanation}"),
                   icon=":material/warning:")
    left, right = st.columns([3, 2])
    left.plotly_chart(samples_figure(snap.real, snap.fake, snap.xs, snap.ys, snap.d_map,
                                     snap.arrows_at, snap.arrows,
                                     "Real (blue) and generated (orange) over D's view"),
                      key="gan.plane")
    left.caption("Background: the discriminator's belief that a point is real (bright: "
                 "real). Black lines: where the generator's next step pushes each of its "
                 "points — along −∂loss/∂point, up D's slope.")
    right.plotly_chart(gan_losses(h.d_loss, h.g_loss), key="gan.losses")
    right.plotly_chart(quality_figure(h.quality_steps, h.quality), key="gan.quality")
