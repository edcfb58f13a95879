"""Figures for the black-box page, part 2: adversarial examples, distribution shift,
confidence on far inputs, reliability diagrams and per-class accuracy under data bias."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.viz.figure import make_figure, title
from playground.viz.palette import DIVERGING, NEUTRAL, OKABE_ITO, WRONG

FAR_COLORS = (OKABE_ITO[1], OKABE_ITO[3], OKABE_ITO[5])  # never the real inputs' blue


def frame_images(fig: go.Figure, square: bool = False) -> go.Figure:
    """Hide ticks and draw a thin frame round each image, so white pixels at an edge (a
    corner patch) stay visible against the white page; `square` keeps pixels square (for
    rows of a few large images, where each cell is wider than tall)."""
    fig.update_xaxes(showticklabels=False, ticks="", showline=True, mirror=True,
                     linecolor=NEUTRAL, linewidth=1, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, ticks="", showline=True, mirror=True,
                     linecolor=NEUTRAL, linewidth=1, autorange="reversed", showgrid=False,
                     zeroline=False)
    if square:  # each subplot's y axis keeps the scale of its own x axis
        for name in [k for k in fig.layout if k.startswith("yaxis")]:
            fig.layout[name].scaleanchor = "x" + name[len("yaxis"):]
    return fig


def _layout(text: str, x_title: str, y_title: str, height: int = 320) -> dict:
    return {"title": title(text), "height": height,
            "margin": {"l": 50, "r": 10, "t": 36, "b": 40},
            "legend": {"orientation": "h", "y": -0.3, "x": 0},
            "xaxis": {"title": {"text": x_title}},
            "yaxis": {"title": {"text": y_title}}}


def _image(x: np.ndarray) -> np.ndarray:
    """(C, H, W) or (H, W) → (H, W) for display."""
    x = np.asarray(x)
    return x.mean(0) if x.ndim == 3 else x


def adversarial_triptych(original: np.ndarray, adversarial: np.ndarray,
                         pred_original: str, pred_adversarial: str, conf_original: float,
                         conf_adversarial: float, eps: float) -> go.Figure:
    """The input, the perturbation magnified to the full colour range, the adversarial input."""
    delta = _image(adversarial) - _image(original)
    lim = float(np.abs(delta).max()) or 1.0
    heads = [f"original: {pred_original} ({conf_original:.0%})",
             f"change ×{1 / lim:.0f}" if lim < 1 else "change",
             f"adversarial: {pred_adversarial} ({conf_adversarial:.0%})"]
    fig = make_subplots(rows=1, cols=3, subplot_titles=heads, horizontal_spacing=0.04)
    fig.add_trace(go.Heatmap(z=_image(original), colorscale="Greys", reversescale=True,
                             zmin=0, zmax=1, showscale=False), row=1, col=1)
    fig.add_trace(go.Heatmap(z=delta, colorscale=DIVERGING, zmin=-lim, zmax=lim,
                             colorbar={"x": 1.02, "len": 0.8,
                                       "title": {"text": "change"}}), row=1, col=2)
    fig.add_trace(go.Heatmap(z=_image(adversarial), colorscale="Greys", reversescale=True,
                             zmin=0, zmax=1, showscale=False), row=1, col=3)
    frame_images(fig, square=True)
    fig.update_annotations(font_size=12)
    fig.update_layout(title=title(f"One adversarial example (ε = {eps:g}; the change is "
                                  "magnified to be seen)"), height=300,
                      margin={"l": 10, "r": 10, "t": 70, "b": 10})
    return fig


def attack_curve(eps_grid: np.ndarray, accuracy: np.ndarray, attack: str,
                 eps: float) -> go.Figure:
    """Test accuracy against the attack's ε; the chosen ε marked."""
    traces = [{"type": "scatter", "mode": "lines+markers", "x": np.round(eps_grid, 4).tolist(),
               "y": accuracy.tolist(), "name": attack, "line": {"color": WRONG}}]
    layout = _layout(f"Accuracy under {attack} as ε grows", "ε (largest change per pixel)",
                     "test accuracy")
    layout["yaxis"].update(range=[0, 1.05], tickformat=".0%")
    layout["shapes"] = [{"type": "line", "x0": eps, "x1": eps, "yref": "paper", "y0": 0,
                         "y1": 1, "line": {"color": NEUTRAL, "dash": "dot"}}]
    return make_figure(traces, layout)


def shift_curves(strengths: np.ndarray, accuracy: dict[str, np.ndarray]) -> go.Figure:
    """Test accuracy against shift strength, one line per kind of shift."""
    traces = [{"type": "scatter", "mode": "lines+markers", "x": strengths.tolist(),
               "y": acc.tolist(), "name": kind, "line": {"color": OKABE_ITO[i]}}
              for i, (kind, acc) in enumerate(accuracy.items())]
    layout = _layout("Accuracy under distribution shift",
                     "shift strength (0 = unchanged, 1 = strongest)", "test accuracy")
    layout["yaxis"].update(range=[0, 1.05], tickformat=".0%")
    return make_figure(traces, layout)


def shift_examples(examples: dict[str, np.ndarray], strengths: np.ndarray) -> go.Figure:
    """Rows = kinds of shift, columns = strengths: one test image as the model saw it."""
    kinds = list(examples)
    fig = make_subplots(rows=len(kinds), cols=len(strengths), row_titles=kinds,
                        column_titles=[f"{s:.1f}" for s in strengths],
                        horizontal_spacing=0.01, vertical_spacing=0.02)
    for r, kind in enumerate(kinds):
        for c in range(len(strengths)):
            fig.add_trace(go.Heatmap(z=examples[kind][c], colorscale="Greys",
                                     reversescale=True, zmin=0, zmax=1, showscale=False),
                          row=r + 1, col=c + 1)
    frame_images(fig)
    fig.update_layout(title=title("The shifted images (columns: strength)"),
                      height=70 + 100 * len(kinds), margin={"l": 10, "r": 60, "t": 60, "b": 10})
    return fig


def confidence_histogram(test_confidence: np.ndarray,
                         far_confidence: dict[str, np.ndarray]) -> go.Figure:
    """Distribution of the top softmax probability: real test inputs against far inputs."""
    bins = {"start": 0.0, "end": 1.0, "size": 0.05}
    traces = [{"type": "histogram", "x": test_confidence.tolist(), "name": "real test inputs",
               "xbins": bins, "histnorm": "percent", "opacity": 0.7,
               "marker": {"color": OKABE_ITO[0]}}]
    traces += [{"type": "histogram", "x": conf.tolist(),
                "name": f"{kind} (mean {conf.mean():.0%})", "xbins": bins,
                "histnorm": "percent", "opacity": 0.7,
                "marker": {"color": FAR_COLORS[i % len(FAR_COLORS)]}}
               for i, (kind, conf) in enumerate(far_confidence.items())]
    layout = _layout("Confidence on real and on never-seen inputs",
                     "confidence (largest softmax probability)", "% of inputs")
    layout["barmode"] = "overlay"
    layout["xaxis"].update(range=[0, 1], tickformat=".0%")
    return make_figure(traces, layout)


def reliability_diagram(edges: np.ndarray, before_acc: np.ndarray, after_acc: np.ndarray,
                        ece_before: float, ece_after: float, temperature: float,
                        counts: np.ndarray | None = None) -> go.Figure:
    """Accuracy per confidence bin before and after temperature scaling; the diagonal is
    perfect calibration (bars below it: overconfident)."""
    centres = ((edges[:-1] + edges[1:]) / 2).round(3).tolist()
    width = float(edges[1] - edges[0]) * 0.45
    hover = None if counts is None else [f"{int(c)} examples" for c in counts]
    traces = [
        {"type": "bar", "x": [c - width / 2 for c in centres],
         "y": np.nan_to_num(before_acc).tolist(), "width": width,
         "name": f"before (ECE {ece_before:.3f})", "marker": {"color": OKABE_ITO[5]},
         "hovertext": hover},
        {"type": "bar", "x": [c + width / 2 for c in centres],
         "y": np.nan_to_num(after_acc).tolist(), "width": width,
         "name": f"after T = {temperature:.2f} (ECE {ece_after:.3f})",
         "marker": {"color": OKABE_ITO[0]}},
        {"type": "scatter", "mode": "lines", "x": [0, 1], "y": [0, 1],
         "name": "perfect calibration", "line": {"color": NEUTRAL, "dash": "dash"}},
    ]
    layout = _layout("Reliability diagram (held-out half of the test set)",
                     "confidence bin", "accuracy in the bin", height=360)
    layout["xaxis"].update(range=[0, 1], tickformat=".0%")
    layout["yaxis"].update(range=[0, 1.05], tickformat=".0%")
    return make_figure(traces, layout)


def class_accuracy_bars(class_names: Sequence[str], full: np.ndarray, biased: np.ndarray,
                        cls: int, counts_full: np.ndarray,
                        counts_biased: np.ndarray) -> go.Figure:
    """Per-class test accuracy trained on all data against trained with `cls` cut."""
    names = [f"{c} (cut)" if i == cls else str(c) for i, c in enumerate(class_names)]
    traces = [
        {"type": "bar", "name": "trained on all data", "x": names,
         "y": np.nan_to_num(full).tolist(), "marker": {"color": OKABE_ITO[0]},
         "hovertext": [f"{int(n)} training examples" for n in counts_full]},
        {"type": "bar", "name": f"trained with {class_names[cls]} under-represented",
         "x": names, "y": np.nan_to_num(biased).tolist(), "marker": {"color": OKABE_ITO[5]},
         "hovertext": [f"{int(n)} training examples" for n in counts_biased]},
    ]
    layout = _layout("Test accuracy per class", "class", "test accuracy")
    layout["barmode"] = "group"
    layout["xaxis"]["type"] = "category"
    layout["yaxis"].update(range=[0, 1.05], tickformat=".0%")
    return make_figure(traces, layout)
