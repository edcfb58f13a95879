"""Figures for the black-box page, part 1: readable models, sanity checks, shortcut learning
and attention against integrated gradients. Arrays in, plotly figures out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.viz.brittleness import frame_images
from playground.viz.figure import make_figure, title
from playground.viz.palette import DIVERGING, NEUTRAL, OKABE_ITO, SEQUENTIAL, WRONG

TRAIN_COLOR, TEST_COLOR = OKABE_ITO[0], OKABE_ITO[1]


def _bar_layout(text: str, x_title: str, y_title: str, height: int = 320) -> dict:
    return {"title": title(text), "height": height, "barmode": "group",
            "margin": {"l": 50, "r": 10, "t": 36, "b": 40},
            "legend": {"orientation": "h", "y": -0.3, "x": 0},
            "xaxis": {"title": {"text": x_title}, "type": "category"},
            "yaxis": {"title": {"text": y_title}, "range": [0, 1.05]}}


def accuracy_bars(names: Sequence[str], train: Sequence[float], test: Sequence[float],
                  text: str = "Accuracy of each model on the same data") -> go.Figure:
    """Train and test accuracy per model, grouped."""
    traces = [
        {"type": "bar", "name": "train", "x": list(names), "y": list(train),
         "marker": {"color": TRAIN_COLOR}, "texttemplate": "%{y:.0%}",
         "textposition": "outside"},
        {"type": "bar", "name": "test", "x": list(names), "y": list(test),
         "marker": {"color": TEST_COLOR}, "texttemplate": "%{y:.0%}",
         "textposition": "outside"},
    ]
    layout = _bar_layout(text, "model", "accuracy")
    layout["yaxis"]["tickformat"] = ".0%"
    layout["yaxis"]["range"] = [0, 1.15]
    return make_figure(traces, layout)


def weights_figure(weights: np.ndarray, feature_names: Sequence[str],
                   class_names: Sequence[str], image_shape: tuple[int, ...] | None = None,
                   text: str = "Logistic-regression weights: read them off") -> go.Figure:
    """Weights per feature and class: bars for a few features, one image per class for
    pixels (orange pushes towards the class, blue away)."""
    w = np.atleast_2d(np.asarray(weights, float))
    labels = [class_names[-1]] if len(w) == 1 and len(class_names) == 2 else list(class_names)
    if image_shape is not None and w.shape[1] == int(np.prod(image_shape)):
        k = len(w)
        fig = make_subplots(rows=1, cols=k, subplot_titles=[str(c) for c in labels],
                            horizontal_spacing=0.01)
        lim = float(np.abs(w).max()) or 1.0
        for i in range(k):
            fig.add_trace(go.Heatmap(z=w[i].reshape(image_shape), colorscale=DIVERGING,
                                     zmin=-lim, zmax=lim, showscale=i == k - 1,
                                     colorbar={"title": {"text": "weight"}}),
                          row=1, col=i + 1)
        fig.update_xaxes(showticklabels=False)
        fig.update_yaxes(showticklabels=False, autorange="reversed")
        fig.update_layout(title=title(text + " (one weight per pixel and class)"), height=220,
                          margin={"l": 10, "r": 10, "t": 60, "b": 10})
        return fig
    order = np.argsort(-np.abs(w).sum(0))[:20]
    traces = [{"type": "bar", "name": f"towards {labels[i]}",
               "x": [feature_names[j] for j in order], "y": w[i, order].tolist(),
               "marker": {"color": OKABE_ITO[i % len(OKABE_ITO)]}} for i in range(len(w))]
    layout = _bar_layout(text, "feature", "weight")
    layout["yaxis"].pop("range")
    return make_figure(traces, layout)


def correlation_curves(stages: Sequence[str], correlations: dict[str, np.ndarray],
                       flagged: dict[str, bool], threshold: float,
                       titles: dict[str, str] | None = None,
                       left_out: dict[str, np.ndarray] | None = None) -> go.Figure:
    """Rank correlation with the original maps as the model is destroyed, one line per
    method; methods staying above the threshold are drawn dashed and named as flagged.

    `left_out` (method -> (S,) counts) names how many constant maps, which have no ranking,
    each method's means leave out; a stage with none defined is a gap in its line.
    """
    traces = []
    for i, (method, corr) in enumerate(correlations.items()):
        name = (titles or {}).get(method, method)
        skipped = int(np.sum((left_out or {}).get(method, 0)))
        if skipped:
            name += f" ({skipped} constant map{'s' if skipped > 1 else ''} left out)"
        traces.append({"type": "scatter", "mode": "lines+markers", "x": list(stages),
                       "y": [None if np.isnan(c) else round(float(c), 3) for c in corr],
                       "name": name + (" — flagged" if flagged.get(method) else ""),
                       "line": {"color": OKABE_ITO[i % len(OKABE_ITO)],
                                "dash": "dash" if flagged.get(method) else "solid"}})
    traces.append({"type": "scatter", "mode": "lines", "x": [stages[0], stages[-1]],
                   "y": [threshold, threshold], "name": f"threshold {threshold:g}",
                   "line": {"color": NEUTRAL, "dash": "dot"}, "hoverinfo": "skip"})
    layout = {"title": title("Do the maps change when the model is destroyed?"),
              "height": 440, "margin": {"l": 50, "r": 10, "t": 36, "b": 40},
              "legend": {"orientation": "h", "y": -0.6, "x": 0},
              "xaxis": {"title": {"text": "randomised so far (top layer first) → retrained "
                                          "on shuffled labels"}, "type": "category"},
              "yaxis": {"title": {"text": "rank correlation with original"},
                        "range": [-0.5, 1.05]}}
    return make_figure(traces, layout)


def _normalised(a: np.ndarray) -> np.ndarray:
    top = float(np.abs(a).max())
    return a / top if top > 0 else a


def maps_grid(maps: dict[str, np.ndarray], stages: Sequence[str], example: int,
              titles: dict[str, str] | None = None, image: np.ndarray | None = None
              ) -> go.Figure:
    """Rows = methods, columns = stages; each cell one example's |map| scaled to its own
    maximum (so a map that only shrinks does not look changed). Images show as heatmaps,
    feature vectors as one-row strips."""
    methods = list(maps)
    cols = len(stages) + (1 if image is not None else 0)
    heads = (["input"] if image is not None else []) + [s.replace(" (", "<br>(")
                                                         for s in stages]
    fig = make_subplots(rows=len(methods), cols=cols, horizontal_spacing=0.01,
                        vertical_spacing=0.04, column_titles=heads,
                        row_titles=[(titles or {}).get(m, m) for m in methods])
    for r, method in enumerate(methods):
        if image is not None:
            fig.add_trace(go.Heatmap(z=np.atleast_2d(image), colorscale="Greys", reversescale=True,
                                     showscale=False), row=r + 1, col=1)
        for c in range(len(stages)):
            z = np.atleast_2d(_normalised(maps[method][c, example]))
            fig.add_trace(go.Heatmap(z=z, colorscale=SEQUENTIAL, zmin=0, zmax=1,
                                     showscale=r == 0 and c == 0,
                                     colorbar={"title": {"text": "|attribution|"}}),
                          row=r + 1, col=c + 1 + (image is not None))
    frame_images(fig)
    fig.update_annotations(font_size=11)
    fig.update_layout(title=title("The maps, stage by stage (brighter = more important)"),
                      height=120 + 85 * len(methods), margin={"l": 10, "r": 110, "t": 90,
                                                               "b": 10})
    return fig


def shortcut_bars(class_names: Sequence[str], clean: np.ndarray, cued: np.ndarray,
                  cue_class: int) -> go.Figure:
    """Per-class test accuracy on clean and on cued test images."""
    names = [f"{c} (cue)" if i == cue_class else str(c) for i, c in enumerate(class_names)]
    traces = [{"type": "bar", "name": "clean test images", "x": names,
               "y": np.nan_to_num(clean).tolist(), "marker": {"color": OKABE_ITO[0]}},
              {"type": "bar", "name": "cued test images (patch on the cue class)", "x": names,
               "y": np.nan_to_num(cued).tolist(), "marker": {"color": OKABE_ITO[1]}}]
    layout = _bar_layout("Accuracy per class, without and with the cue", "class",
                         "test accuracy")
    layout["yaxis"]["tickformat"] = ".0%"
    return make_figure(traces, layout)


def shortcut_examples(images: np.ndarray, attributions: np.ndarray, predictions: np.ndarray,
                      class_names: Sequence[str], cue_class: int, patch: int = 3) -> go.Figure:
    """Patched images of other classes (top, the patch outlined) and where the model looked
    (bottom)."""
    n = len(images)
    heads = [f"→ {class_names[int(p)]}" for p in predictions]
    fig = make_subplots(rows=2, cols=n, column_titles=heads, row_titles=["input", "looks at"],
                        horizontal_spacing=0.01, vertical_spacing=0.04)
    for i in range(n):
        fig.add_trace(go.Heatmap(z=images[i], colorscale="Greys", reversescale=True,
                                 showscale=False), row=1, col=i + 1)
        fig.add_trace(go.Heatmap(z=_normalised(attributions[i]), colorscale=SEQUENTIAL,
                                 zmin=0, zmax=1, showscale=i == n - 1,
                                 colorbar={"title": {"text": "|attribution|"}}),
                      row=2, col=i + 1)
    frame_images(fig)
    for i in range(n):  # outline the patch: white on a white page is otherwise invisible
        fig.add_shape(type="rect", x0=-0.5, x1=patch - 0.5, y0=-0.5, y1=patch - 0.5,
                      line={"color": WRONG, "width": 2}, row=1, col=i + 1)
    fig.update_layout(title=title(f"Patched images of other classes: predicted class (top) — "
                                  f"the cue class is {class_names[cue_class]}"),
                      height=330, margin={"l": 10, "r": 40, "t": 70, "b": 10})
    return fig


def attention_ig_figure(attention: np.ndarray, ig: np.ndarray, tokens: Sequence[str],
                        outputs: Sequence[str], layer_label: str) -> go.Figure:
    """One layer's attention (rows = output positions) beside |IG| for the same outputs."""
    x = [f"{i}:{t}" for i, t in enumerate(tokens)]
    y = [f"{i}:{t}" for i, t in enumerate(outputs)]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1, subplot_titles=[
        "attention weights", "integrated gradients |attribution|"])
    fig.add_trace(go.Heatmap(z=attention, x=x, y=y[:len(attention)], colorscale=SEQUENTIAL,
                             zmin=0, zmax=1, showscale=False), row=1, col=1)
    ig_rows = ig / np.maximum(ig.max(1, keepdims=True), 1e-12)
    fig.add_trace(go.Heatmap(z=ig_rows, x=x, y=y[:len(ig)], colorscale=SEQUENTIAL, zmin=0,
                             zmax=1, colorbar={"title": {"text": "weight, or share<br>of "
                                                                      "row max"}}),
                  row=1, col=2)
    for c in (1, 2):
        fig.update_xaxes(title_text="input token (position:token)", type="category",
                         row=1, col=c)
        fig.update_yaxes(title_text="output position:prediction" if c == 1 else None,
                         type="category", autorange="reversed", row=1, col=c)
    fig.update_layout(title=title(f"Where each output looked ({layer_label}), and what it "
                                  "depends on"),
                      height=380, margin={"l": 60, "r": 10, "t": 60, "b": 50})
    return fig


def agreement_figure(agreement: np.ndarray, layer_labels: Sequence[str]) -> go.Figure:
    """Mean rank correlation between attention and IG, per output position and layer."""
    traces = [{"type": "bar", "name": label, "x": list(range(agreement.shape[1])),
               "y": np.round(agreement[i], 3).tolist(),
               "marker": {"color": OKABE_ITO[i % len(OKABE_ITO)]}}
              for i, label in enumerate(layer_labels)]
    layout = _bar_layout("How well attention agrees with integrated gradients",
                         "output position", "rank correlation (1 = same ranking)")
    layout["yaxis"]["range"] = [-1, 1]
    layout["shapes"] = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0.5,
                         "y1": 0.5, "line": {"color": WRONG, "dash": "dot"}}]
    return make_figure(traces, layout)
