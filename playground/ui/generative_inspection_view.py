"""The Activations and Attributions pages on a generative run's networks: the GAN's
generator and discriminator and the diffusion model's denoiser, read from this session's
runs (the Generative page keeps them), copied under their locks so looking never disturbs
training. The layer views reuse the Activations page's captions, blocks and figures; the
discriminator's attributions go through the attribution registry (Captum)."""

from __future__ import annotations

import numpy as np
import streamlit as st
import torch

from playground.attribution import BASELINE_HELP, BASELINE_NOTE, METHODS, baselines_for
from playground.errors import SpecError
from playground.generative.inspection import (
    GenerativeNetwork,
    coordinate_attributions,
    gan_points,
    generative_networks,
    mean_coordinate_reliance,
    noise_grid,
    plane_activations,
)
from playground.inspection.activations import capture_activations
from playground.inspection.plane import PlaneGrid, plane_grid
from playground.ui import diffusion_view, generative_view
from playground.ui.activations_view import blocks, layer_caption
from playground.ui.attributions_view import params_ui
from playground.ui.state import derived
from playground.ui.text import md
from playground.viz.activations import activation_bars, neuron_thumbnails
from playground.viz.attributions import feature_bars, mean_abs_bars, plane_field

OWN = "network"  # the page's usual subject: the session's own (classifier) network
TITLES = {OWN: "Your network", "generator": "GAN generator",
          "discriminator": "GAN discriminator", "denoiser": "Diffusion denoiser"}
PLANE_RESOLUTION = 30  # thumbnails and attribution fields; small keeps a poll cheap
SAMPLES = 300  # real and generated points the discriminator's reliance is averaged over


def _runs() -> tuple:
    return generative_view.gan_run(), diffusion_view.diffusion_run()


def choose_network(page: str, allowed: tuple[str, ...]) -> str | None:
    """A "Network" choice when this session has a generative run: None for the page's own
    network, else "generator", "discriminator" or "denoiser" (of those `allowed`)."""
    gan, dif = _runs()
    have = [n for n in allowed if (n == "denoiser" and dif is not None)
            or (n != "denoiser" and gan is not None)]
    if not have:
        return None
    choice = st.segmented_control(
        "Network", [OWN, *have], default=OWN, key=f"{page}.network",
        format_func=TITLES.get, help="Your network from the Build page, or a network of "
        "the GAN or diffusion model trained on the Generative page.") or OWN
    return None if choice == OWN else choice


def _network(name: str) -> GenerativeNetwork:
    gan, dif = _runs()
    return generative_networks(gan if name != "denoiser" else None,
                               dif if name == "denoiser" else None)[name]


def _job(name: str) -> str:
    return diffusion_view.JOB if name == "denoiser" else generative_view.JOB


def _status(net: GenerativeNetwork) -> None:
    steps = "generator steps" if net.name != "denoiser" else "training steps"
    if net.steps_done == 0:
        st.info(f"**{net.title}** ({net.what}) is **untrained**: its weights are random. "
                "Train it on the Generative page and come back — the views follow.")
    else:
        st.caption(f"**{net.title}** ({net.what}) after {net.steps_done:,} {steps}.")


def _point_inputs(key: str) -> np.ndarray:
    a, b = st.columns(2)
    x = a.number_input("Point x", -4.0, 4.0, 1.5, 0.1, key=f"{key}.x")
    y = b.number_input("Point y", -4.0, 4.0, 0.0, 0.1, key=f"{key}.y")
    return np.array([x, y], np.float32)


def choose_generative_input(net: GenerativeNetwork, key: str) -> tuple[np.ndarray, int]:
    """The chosen input's free values (a noise vector z, or a point) and the timestep."""
    t = 0
    if net.name == "generator":
        dims = len(net.free)
        if dims <= 4:
            cols = st.columns(dims)
            z = [c.slider(f"Noise {n}", -3.0, 3.0, round(0.8 * (-1) ** i, 1), 0.1,
                          key=f"{key}.{n}") for i, (c, n) in enumerate(zip(cols, net.free,
                                                                          strict=True))]
            free = np.array(z, np.float32)
        else:
            seed = st.number_input("Noise sample (seed)", 0, 10_000, 0, key=f"{key}.seed")
            free = np.random.default_rng(int(seed)).standard_normal(dims).astype(np.float32)
        st.caption(f"z is the generator's input: {dims} numbers drawn from N(0, 1).")
    else:
        free = _point_inputs(key)
        if net.name == "denoiser":
            t = st.slider("Timestep t", 0, net.timesteps - 1, net.timesteps // 2,
                          key=f"{key}.t", help="How noisy the point is taken to be; the "
                          "denoiser also reads this, as sines and cosines.")
    return free, int(t)


def _plane_grid(net: GenerativeNetwork) -> PlaneGrid:
    if net.name == "generator":
        return noise_grid(PLANE_RESOLUTION)
    return plane_grid(np.array([[-3, -3], [3, 3]], np.float32), PLANE_RESOLUTION, 0.0)


def _render_plane(net: GenerativeNetwork, t: int) -> None:
    grid = _plane_grid(net)
    plane = plane_activations(net, grid, t)
    axes = ", ".join(net.free[:2])
    st.markdown(f"#### Every neuron over the ({axes}) plane")
    st.caption(f"Each small square is one neuron's output for every ({axes}) across the "
               "plane, each on its own colour range"
               + (f", at timestep t = {t}" if net.name == "denoiser" else "")
               + ". The last block is the head: "
               + ("the point the generator makes, its x and y." if net.name == "generator"
                  else "the predicted noise, ε_x and ε_y." if net.name == "denoiser"
                  else "the logit of “real”."))
    groups = blocks(net.rows)
    cols = st.columns(len(groups) + 1)
    for col, group in zip(cols, groups, strict=False):
        last = group[-1]
        title = " + ".join(r.kind for r in group)
        col.plotly_chart(neuron_thumbnails(plane[last.index].output,
                                           f"Layer {group[0].index + 1}: {title}"),
                         key=f"gen_plane_{last.index}", config={"displayModeBar": False})
    cols[-1].plotly_chart(neuron_thumbnails(plane[-1].output, "Head: " + ", ".join(
        net.outputs)), key="gen_plane_head", config={"displayModeBar": False})


def _render_layers(net: GenerativeNetwork, free: np.ndarray, t: int) -> None:
    x = net.make_input(free[None], t)
    acts = capture_activations(net.model, x, [r.kind for r in net.rows])
    st.markdown("#### Layer by layer, for the chosen input")
    st.plotly_chart(activation_bars(x[0], "Input the network reads", net.input_names,
                                    "value"), key="gen_layer_input",
                    config={"displayModeBar": False})
    for act, row in zip(acts, net.rows, strict=True):
        st.markdown(layer_caption(row, None, None))
        out = act.output[0]
        fig = (activation_bars(out, f"Output: {', '.join(net.outputs)}", list(net.outputs),
                               "value", "output") if row.is_head
               else activation_bars(out, f"Activations ({out.size} units)"))
        st.plotly_chart(fig, key=f"gen_layer_{row.index}", config={"displayModeBar": False})


def render_generative_activations(name: str) -> None:
    """Input controls, then the plane and the layer-by-layer views, live while it trains."""
    net = _network(name)
    with st.container(border=True):
        free, t = choose_generative_input(net, f"gen_act.{name}")

    def draw() -> None:
        now = _network(name)
        _status(now)
        if now.plane:
            _render_plane(now, t)
        _render_layers(now, free, t)

    generative_view.live_fragment(_job(name), draw)


def render_discriminator_attributions() -> None:
    """Which coordinate, x or y, the discriminator's "real" logit relies on: for one point,
    averaged over real and generated points, and over the plane."""
    net = _network("discriminator")
    gan, _ = _runs()
    _status(net)
    with st.container(border=True):
        point = _point_inputs("gen_attr")
        supported = [n for n, m in METHODS.items() if m.supports("2d") and not m.needs_layer]
        cols = st.columns([2, 3])
        method = cols[0].selectbox("Method", supported, key="gen_attr.method",
                                   format_func=lambda n: METHODS[n].title)
        cols[1].caption(METHODS[method].description)
        params = params_ui(method, (2,))
        baseline = "zeros"
        if METHODS[method].uses_baseline:
            baseline = st.selectbox("Baseline", baselines_for((2,)), key="gen_attr.baseline",
                                    format_func=lambda b: f"{b}: {BASELINE_HELP[b]}")
            st.caption(BASELINE_NOTE + " Here zeros is the centre of the plane, (0, 0).")
    grid = plane_grid(np.array([[-3, -3], [3, 3]], np.float32), PLANE_RESOLUTION, 0.0)

    def compute() -> tuple[np.ndarray, ...]:
        real, fake = gan_points(gan, SAMPLES)
        mean = torch.from_numpy(real.mean(0))
        one = coordinate_attributions(net, point[None], method, params, baseline, mean)[0]
        reliance = mean_coordinate_reliance(net, np.concatenate([real, fake]), method,
                                            params, baseline, mean)
        field = coordinate_attributions(net, grid.points, method, params, baseline, mean)
        return real, fake, one, reliance, field

    # 1,500 attributions: computed once per state of the discriminator and request, not on
    # every rerun. The weights' sum tells apart states with the same step count (the slow
    # motion's D step moves the weights without counting a step).
    weights = float(sum(p.detach().double().sum() for p in net.model.parameters()))
    request = (id(gan), net.steps_done, weights, tuple(point.tolist()), method,
               tuple(sorted((params or {}).items())), baseline)
    try:
        real, fake, one, reliance, field = derived("gen_attributions", request, compute)
    except SpecError as exc:
        st.error(md(exc), icon=":material/error:")
        return
    title = METHODS[method].title
    left, right = st.columns(2)
    left.plotly_chart(feature_bars(one, ["x", "y"], f"{title} at ({point[0]:.1f}, "
                                   f"{point[1]:.1f}) towards “real”"), key="gen_attr.one")
    right.plotly_chart(mean_abs_bars(reliance, ["x", "y"], f"Mean |{title}| over {SAMPLES} "
                                     f"real and {SAMPLES} generated points"),
                       key="gen_attr.mean")
    lead = "x" if reliance[0] >= reliance[1] else "y"
    ratio = max(reliance) / max(min(reliance), 1e-12)
    st.caption(f"Across the samples the discriminator leans on **{lead}** "
               f"({ratio:.1f}× the other coordinate). Orange raises its belief that a "
               "point is real, blue lowers it.")
    r = grid.resolution
    st.plotly_chart(plane_field(grid.xs, grid.ys, field.reshape(r, r, 2), ("x", "y"),
                                np.concatenate([real, fake]),
                                np.r_[np.zeros(len(real), int), np.ones(len(fake), int)],
                                (float(point[0]), float(point[1]))), key="gen_attr.plane")
    st.caption("Each coordinate's attribution at every point of the plane, with the real "
               "(blue) and generated (orange) points the averages are taken over.")
