"""The black-box page's sections, one per experiment: below the shared frame (words, model
choice, parameters) each shows its own extra pickers, Run button (a background job) and the
result's figures; then the closing questions, with what this session's runs found."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import streamlit as st

from playground.attribution import METHODS
from playground.blackbox import EXPERIMENTS, Experiment
from playground.blackbox.runs import ADVERSARIAL_EXAMPLES
from playground.blackbox.shortcut import PATCH
from playground.shapes import validate
from playground.ui.blackbox_controls import class_names, controls, data_kind, header
from playground.ui.blackbox_runs import Choice, choose_source, job_board, result_of, run_controls
from playground.viz import blackbox as fig
from playground.viz import brittleness as bfig
from playground.viz.predictions import confusion_matrix_figure


def _interpretable(exp: Experiment, choice: Choice, params: dict[str, Any]) -> None:
    result = result_of(run_controls(exp, choice, params))
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


def _sanity(exp: Experiment, choice: Choice, params: dict[str, Any]) -> None:
    kind = data_kind(choice)
    has_conv = bool(validate(choice.spec).conv_map_layers)
    offered = [k for k, m in METHODS.items() if m.supports(kind) and
               (not m.needs_layer or has_conv)]
    default = [k for k in ("saliency", "input_x_gradient", "integrated_gradients",
                           "grad_cam") if k in offered]
    methods = st.multiselect("Attribution methods", offered, default=default,
                             format_func=lambda k: METHODS[k].title,
                             key=f"bb.sanity.{choice.key}.methods")
    if not methods:
        st.info("Pick at least one attribution method.")
        return
    result = result_of(run_controls(exp, choice, params, extra=(tuple(methods),)))
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


def _shortcut(exp: Experiment, choice: Choice, params: dict[str, Any]) -> None:
    # The shortcut report explains the input itself, so no layer method.
    offered = [k for k, m in METHODS.items() if m.supports("image") and not m.needs_layer]
    method = st.selectbox("Attribution method for 'looks at'", offered,
                          index=offered.index("saliency"),
                          format_func=lambda k: METHODS[k].title, key="bb.shortcut.method")
    result = result_of(run_controls(exp, choice, params, extra=(method,)))
    if result is None:
        return
    names = class_names(choice)
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


def _robustness(exp: Experiment, choice: Choice, params: dict[str, Any]) -> None:
    st.markdown("**Adversarial examples**")
    attack_run, shift_run = exp.runs
    attack = result_of(run_controls(exp, choice, params, run=attack_run))
    if attack is not None:
        names = class_names(choice)
        st.plotly_chart(bfig.adversarial_triptych(
            attack.original, attack.adversarial, names[attack.pred_original],
            names[attack.pred_adversarial], attack.conf_original, attack.conf_adversarial,
            attack.eps), key="bb.robust.triptych")
        left, right = st.columns(2)
        left.plotly_chart(bfig.attack_curve(attack.eps_grid, attack.accuracy_curve,
                                            attack.attack, attack.eps), key="bb.robust.curve")
        right.caption(f"{attack.attack} at ε = {attack.eps:g}: test accuracy "
                   f"{attack.clean_accuracy:.0%} → {attack.adversarial_accuracy:.0%} "
                   f"(first {ADVERSARIAL_EXAMPLES} test images).")
    st.markdown("**Distribution shift**")
    shift = result_of(run_controls(exp, choice, params, run=shift_run))
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


def _calibration(exp: Experiment, choice: Choice, params: dict[str, Any]) -> None:
    result = result_of(run_controls(exp, choice, params))
    if result is None:
        return
    cols = st.columns(3)
    cols[0].metric("Mean confidence, real test inputs", f"{result.test_confidence.mean():.0%}")
    for col, (kind, conf) in zip(cols[1:], result.far_confidence.items(), strict=False):
        col.metric(f"Mean confidence, {kind}", f"{conf.mean():.0%}")
    left, right = st.columns(2)
    left.plotly_chart(bfig.confidence_histogram(result.test_confidence,
                                                result.far_confidence), key="bb.cal.hist")
    b, a = result.before, result.after
    right.plotly_chart(bfig.reliability_diagram(b.edges, b.accuracy, a.accuracy, b.ece, a.ece,
                                                result.temperature, b.count),
                       key="bb.cal.rel")
    verdict = ("overconfident: it is softened" if result.temperature > 1 else
               "underconfident: it is sharpened")
    st.caption(f"Fitted temperature T = {result.temperature:.2f} (the model was {verdict}). "
               f"ECE {b.ece:.3f} → {a.ece:.3f} (over {b.bins} equal-width confidence "
               "bins, the usual measure). Predictions do not change: dividing every "
               "logit by the same number keeps the largest one largest. Temperature fixes "
               "confidence on data like the test set; it does nothing for the far inputs.")
    if a.ece > b.ece:
        st.caption("Here the ECE grew: the temperature is fitted to the likelihood on one "
                   "half of the test set, not to ECE on the other, and small or untrained "
                   "models can lose. Calibration is a measurement, not a guarantee.")


def _bias(exp: Experiment, choice: Choice, params: dict[str, Any]) -> None:
    result = result_of(run_controls(exp, choice, params))
    if result is None:
        return
    names = class_names(choice)
    cut = result.cls
    cols = st.columns(3)
    cols[0].metric("Overall accuracy, all data", f"{result.accuracy_full:.0%}")
    cols[1].metric(f"Overall accuracy, {names[cut]} cut", f"{result.accuracy_biased:.0%}",
                   f"{result.accuracy_biased - result.accuracy_full:+.0%}")
    cols[2].metric(f"Accuracy on {names[cut]}", f"{result.class_accuracy_biased[cut]:.0%}",
                   f"{result.class_accuracy_biased[cut] - result.class_accuracy_full[cut]:+.0%}")
    left, right = st.columns(2)
    left.plotly_chart(bfig.class_accuracy_bars(
        names, result.class_accuracy_full, result.class_accuracy_biased, cut,
        result.train_counts_full, result.train_counts_biased), key="bb.bias.bars")
    right.plotly_chart(confusion_matrix_figure(
        result.confusion_biased, names,
        f"Confusion matrix, trained with {names[cut]} under-represented"),
        key="bb.bias.cm")
    st.caption(f"Training examples of {names[cut]}: {int(result.train_counts_full[cut])} → "
               f"{int(result.train_counts_biased[cut])}. Read the {names[cut]} row of the "
               "matrix to see what it is mistaken for.")


def _attention(exp: Experiment, choice: Choice, params: dict[str, Any]) -> None:
    result = result_of(run_controls(exp, choice, params))
    if result is None:
        return
    mean, top = result.agreement.mean(1), result.top_agreement.mean(1)
    st.metric("Per-token accuracy on these sequences", f"{result.accuracy:.0%}")
    st.dataframe({"attention layer": list(result.layer_labels),
                  "rank correlation with IG (1 = same order)": [f"{m:.2f}" for m in mean],
                  "same top token as IG": [f"{t:.0%}" for t in top]},
                 hide_index=True, width="stretch")
    rows = list(zip(result.layer_labels, mean, top, strict=True))
    wrong = [label for label, _, t in rows if t < 0.8]
    partial = [label for label, m, t in rows if t >= 0.8 and m < 0.5]
    if wrong:
        st.warning(f"{', '.join(wrong)}: the most-attended token is usually not the one the "
                   "prediction depends on. Reading this attention as the explanation would "
                   "mislead.")
    if partial:
        st.info(f"{', '.join(partial)}: points at the token that matters most, but ranks the "
                "other tokens differently from integrated gradients.")
    if not wrong and not partial:
        st.success("Every attention layer agrees with integrated gradients here — on this "
                   "model attention happens to be a fair guide. That had to be checked.")
    layer = 0
    if len(result.layer_labels) > 1:
        layer = st.selectbox("Attention layer", range(len(result.layer_labels)),
                             format_func=lambda i: result.layer_labels[i],
                             index=len(result.layer_labels) - 1, key="bb.attn.layer")
    st.plotly_chart(fig.attention_ig_figure(result.attention[layer], result.ig,
                                            result.tokens, result.predicted,
                                            result.layer_labels[layer]), key="bb.attn.maps")
    st.plotly_chart(fig.agreement_figure(result.agreement, result.layer_labels),
                    key="bb.attn.agree")


Section = Callable[[Experiment, Choice, dict[str, Any]], None]
SECTIONS: dict[str, Section] = {"interpretable": _interpretable, "sanity": _sanity,
                                "shortcut": _shortcut, "robustness": _robustness,
                                "calibration": _calibration, "bias": _bias,
                                "attention": _attention}


def experiment_section(name: str) -> None:
    """One experiment: its words, model choice and parameters, then its own section."""
    exp = EXPERIMENTS[name]
    header(exp)
    choice = choose_source(exp)
    SECTIONS[name](exp, choice, controls(exp, choice))


def _finding(exp: Experiment) -> str | None:
    """One line on what this session's run of `exp` found and on which model, if it ran
    (from the entry); the model is named as it was when the run started."""
    for run in exp.runs:
        status = job_board().status(exp.job_key(run))
        result = result_of(status)
        if run.summary is not None and result is not None:
            where = f", on {status.origin.label}" if status.origin is not None else ""
            return f"{where}: {run.summary(result)}"
    return None


def closing_section() -> None:
    st.subheader("Before you trust a model, ask")
    st.markdown("Each experiment above is one question. A model's accuracy answers none of "
                "them.")
    for exp in EXPERIMENTS.values():
        found = _finding(exp)
        line = f"- **{exp.question}** — *{exp.title}*"
        st.markdown(line + (f". You found{found}" if found else "."))
    st.caption("And the ones no page can answer for you: who collected the data, who is "
               "missing from it, and who pays when the model is wrong?")
