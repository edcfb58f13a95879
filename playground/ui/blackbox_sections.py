"""The black-box page's sections, part 1: accuracy against transparency, sanity checks for
saliency maps, shortcut learning and brittleness. Each section is words, controls, a Run
button (a background job) and the result's figures."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import streamlit as st

from playground.attribution import METHODS
from playground.blackbox import EXPERIMENTS, Experiment, runs
from playground.blackbox.shortcut import PATCH
from playground.ui.blackbox_runs import (
    Choice,
    choose_source,
    preset_option,
    result_of,
    run_controls,
)
from playground.ui.widgets import param_form
from playground.viz import blackbox as fig
from playground.viz import brittleness as bfig

CLASS_PARAMS = {"cue_class": "cue class", "cls": "class to under-represent"}


def header(exp: Experiment) -> None:
    st.subheader(exp.title)
    st.markdown(exp.text)
    st.caption(f"The question to ask: *{exp.question}*")


def controls(exp: Experiment, choice: Choice, columns: int = 3,
             skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Widgets for the experiment's parameters; a class parameter becomes a choice of the
    chosen model's class names; epochs only show when the run trains something."""
    skip = skip + (() if choice.trains else ("epochs",))
    plain = tuple(p for p in exp.params if p.name not in (*CLASS_PARAMS, *skip))
    prefix = f"bb.{exp.name}.{choice.key}"
    values = param_form(plain, exp.defaults(), prefix, columns)
    names = _class_names(choice) if any(p.name in CLASS_PARAMS for p in exp.params) else ()
    for p in exp.params:
        if p.name in CLASS_PARAMS:
            default = min(int(p.default), len(names) - 1)
            values[p.name] = st.selectbox(CLASS_PARAMS[p.name], range(len(names)),
                                          index=default, format_func=lambda i: names[i],
                                          key=f"{prefix}.{p.name}", help=p.help)
    return exp.defaults() | values  # skipped settings keep their (unused) defaults


def _class_names(choice: Choice) -> tuple[str, ...]:
    from playground.datasets import make_data

    return tuple(str(c) for c in make_data(choice.spec.dataset).info.class_names)


def interpretable_section() -> None:
    exp = EXPERIMENTS["interpretable"]
    header(exp)
    choice = choose_source(exp, {"circles": preset_option("circles"),
                                 "digits_mlp": preset_option("digits_mlp")})
    params = controls(exp, choice)
    result = result_of(run_controls(exp, choice, params, runs.run_interpretable))
    if result is None:
        return
    names = [s.name for s in result.scores]
    st.plotly_chart(fig.accuracy_bars(names, [s.train_accuracy for s in result.scores],
                                      [s.test_accuracy for s in result.scores]),
                    key="bb.interp.acc")
    st.dataframe({"model": names,
                  "test accuracy": [f"{s.test_accuracy:.1%}" for s in result.scores],
                  "what you can read off it": [s.readable for s in result.scores]},
                  hide_index=True, width="stretch")
    left, right = st.columns(2)
    with left:
        weights, wnames = result.weights, result.feature_names
        if result.cross_weights is not None:
            weights, wnames = result.cross_weights, result.cross_names
        st.plotly_chart(fig.weights_figure(weights, wnames, result.class_names,
                                           result.image_shape), key="bb.interp.w")
        if result.cross_weights is not None:
            st.caption("With the crosses, the weights on x² and y² carry the decision: the "
                       "linear model has learned the equation of a circle, and you can read "
                       "it.")
    with right:
        st.markdown("**The decision tree's rules**")
        st.code(result.tree_rules, language=None)


def sanity_section() -> None:
    exp = EXPERIMENTS["sanity"]
    header(exp)
    choice = choose_source(exp, {"shapes_cnn": preset_option("shapes_cnn"),
                                 "digits_mlp": preset_option("digits_mlp")})
    choice = replace(choice, trains=True)  # the shuffled-label copy is always trained here
    kind = _kind(choice)
    conv = any(layer["type"] == "conv2d" for layer in choice.spec.layers)
    offered = [k for k, m in METHODS.items() if m.supports(kind) and
               (k != "grad_cam" or conv)]
    default = [k for k in ("saliency", "input_x_gradient", "integrated_gradients",
                           "grad_cam") if k in offered]
    methods = st.multiselect("Attribution methods", offered, default=default,
                             format_func=lambda k: METHODS[k].title,
                             key=f"bb.sanity.{choice.key}.methods")
    params = controls(exp, choice)
    if not methods:
        st.info("Pick at least one attribution method.")
        return
    result = result_of(run_controls(exp, choice, params, runs.run_sanity,
                                    extra=(tuple(methods),)))
    if result is None:
        return
    titles = {k: METHODS[k].title for k in result.methods}
    for k in result.methods:
        value = result.judged[k]
        if math.isnan(value):
            st.info(f"**{titles[k]}** cannot be judged: its maps of the destroyed models are "
                    "constant on every example, so they have no ranking to compare.")
        elif result.flagged[k]:
            st.warning(f"**{titles[k]}** is flagged: with the model destroyed its maps still "
                       f"rank-correlate {value:.2f} with the original (threshold "
                       f"{result.threshold:g}). It is not explaining the model.")
        else:
            st.success(f"**{titles[k]}** passes: once the model is destroyed its maps "
                       f"rank-correlate at most {value:.2f} with the original.")
    st.plotly_chart(fig.correlation_curves(result.stages, result.correlations, result.flagged,
                                           result.threshold, titles, result.left_out),
                    key="bb.sanity.curves")
    skipped = {titles[k]: int(n.sum()) for k, n in result.left_out.items() if n.sum()}
    if skipped:
        st.caption("Left out of the means: " + ", ".join(
            f"{t}, {n} constant map{'s' if n > 1 else ''}" for t, n in skipped.items())
            + ". A constant map has no ranking, so its rank correlation is undefined; the "
            "mean is over the other examples.")
    n = len(result.inputs)
    example = st.slider("Example", 1, n, 1, key="bb.sanity.example") - 1 if n > 1 else 0
    image = result.inputs[example] if result.inputs.ndim == 3 else None
    st.plotly_chart(fig.maps_grid(result.maps, result.stages, example, titles, image),
                    key="bb.sanity.maps")


def _kind(choice: Choice) -> str:
    from playground.datasets import make_data

    return make_data(choice.spec.dataset).info.kind


def shortcut_section() -> None:
    exp = EXPERIMENTS["shortcut"]
    header(exp)
    choice = choose_source(exp, {"shapes_cnn": preset_option("shapes_cnn"),
                                 "digits_cnn": preset_option("digits_cnn")},
                           trains_fresh=True)
    params = controls(exp, choice)
    offered = [k for k, m in METHODS.items() if m.supports("image") and k != "grad_cam"]
    method = st.selectbox("Attribution method for 'looks at'", offered,
                          index=offered.index("saliency"),
                          format_func=lambda k: METHODS[k].title, key="bb.shortcut.method")
    result = result_of(run_controls(exp, choice, params, runs.run_shortcut, needs_model=False,
                                    extra=(method,)))
    if result is None:
        return
    names = _class_names(choice)
    cols = st.columns(3)
    cols[0].metric("Accuracy, clean test images", f"{result.clean_accuracy:.0%}")
    cols[1].metric("Accuracy, cued test images", f"{result.cued_accuracy:.0%}",
                   f"{result.cued_accuracy - result.clean_accuracy:+.0%}")
    cols[2].metric(f"Patched other images called {names[result.cue_class]}",
                   f"{result.misled_share:.0%}")
    st.plotly_chart(fig.shortcut_bars(names, result.class_clean, result.class_cued,
                                      result.cue_class), key="bb.shortcut.bars")
    st.plotly_chart(fig.shortcut_examples(result.examples, result.attributions,
                                          result.predictions, names, result.cue_class,
                                          PATCH),
                    key="bb.shortcut.examples")
    st.caption(f"The patch covers {result.patch_area:.0%} of each image but draws "
               f"{result.patch_attribution:.0%} of the {METHODS[result.method].title} "
               "attribution on these patched images.")


def robustness_section() -> None:
    exp = EXPERIMENTS["robustness"]
    header(exp)
    choice = choose_source(exp, {"digits_mlp": preset_option("digits_mlp"),
                                 "digits_cnn": preset_option("digits_cnn")})
    params = controls(exp, choice)
    st.markdown("**Adversarial examples**")
    attack = result_of(run_controls(exp, choice, params, runs.run_attack,
                                    label="Run the attack", job_key="robustness.attack"))
    if attack is not None:
        names = _class_names(choice)
        st.plotly_chart(bfig.adversarial_triptych(
            attack.original, attack.adversarial, names[attack.pred_original],
            names[attack.pred_adversarial], attack.conf_original, attack.conf_adversarial,
            attack.eps), key="bb.robust.triptych")
        left, right = st.columns(2)
        left.plotly_chart(bfig.attack_curve(attack.eps_grid, attack.accuracy_curve,
                                            attack.attack, attack.eps), key="bb.robust.curve")
        right.caption(f"{attack.attack} at ε = {attack.eps:g}: test accuracy "
                   f"{attack.clean_accuracy:.0%} → {attack.adversarial_accuracy:.0%} "
                   f"(first {runs.ADVERSARIAL_EXAMPLES} test images).")
    st.markdown("**Distribution shift**")
    shift = result_of(run_controls(exp, choice, params, runs.run_shift,
                                   label="Measure the shift", job_key="robustness.shift"))
    if shift is not None:
        left, right = st.columns(2)
        left.plotly_chart(bfig.shift_curves(shift.strengths, shift.accuracy),
                          key="bb.shift.curves")
        worst = min(shift.accuracy, key=lambda k: shift.accuracy[k][-1])
        right.caption(f"Hardest here: {worst}, down to {shift.accuracy[worst][-1]:.0%} at "
                      "full strength. A person reads most of these images without trouble; "
                      "the network was only ever shown the unshifted kind.")
        st.plotly_chart(bfig.shift_examples(shift.examples, shift.strengths),
                        key="bb.shift.examples")
