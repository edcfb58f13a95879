"""The black-box page's sections, part 2: confident and wrong, bias from data, attention
against integrated gradients, and the closing questions to ask before trusting a model."""

from __future__ import annotations

import streamlit as st

from playground.attribution import METHODS
from playground.blackbox import EXPERIMENTS, runs
from playground.blackbox.attention_vs_ig import deep_sequence_spec
from playground.blackbox.calibration import overconfident_spec
from playground.datasets import make_data
from playground.ui.blackbox_runs import (
    choose_source,
    job_board,
    preset_option,
    result_of,
    run_controls,
)
from playground.ui.blackbox_sections import _class_names, controls, header
from playground.viz import blackbox as fig
from playground.viz import brittleness as bfig
from playground.viz.predictions import confusion_matrix_figure


def _overconfident_source() -> runs.Source:
    spec = overconfident_spec()
    return runs.Source(spec, make_data(spec.dataset), None, "the dense network on shapes")


def calibration_section() -> None:
    exp = EXPERIMENTS["calibration"]
    header(exp)
    choice = choose_source(exp, {
        "noisy_shapes_mlp": ("Dense network on noisy shapes — it overfits (trained here)",
                             _overconfident_source),
        "digits_mlp": preset_option("digits_mlp"),
        "circles": preset_option("circles")})
    params = controls(exp, choice)
    result = result_of(run_controls(exp, choice, params, runs.run_calibration))
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


def bias_section() -> None:
    exp = EXPERIMENTS["bias"]
    header(exp)
    choice = choose_source(exp, {"digits_mlp": preset_option("digits_mlp"),
                                 "shapes_cnn": preset_option("shapes_cnn")},
                           trains_fresh=True)
    params = controls(exp, choice)
    result = result_of(run_controls(exp, choice, params, runs.run_bias, needs_model=False))
    if result is None:
        return
    names = _class_names(choice)
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


def _deep_source() -> runs.Source:
    spec = deep_sequence_spec()
    return runs.Source(spec, make_data(spec.dataset), None, "two transformer blocks")


def attention_section() -> None:
    exp = EXPERIMENTS["attention"]
    header(exp)
    choice = choose_source(exp, {
        "reverse_attention": preset_option("reverse_attention"),
        "reverse_two_blocks": ("Two transformer blocks on reverse (trained here)",
                               _deep_source)})
    params = controls(exp, choice)
    result = result_of(run_controls(exp, choice, params, runs.run_attention))
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


def _finding(name: str) -> str | None:
    """One line on what this session's run of an experiment found, if it ran."""
    status = job_board().status(name if name != "robustness" else "robustness.attack")
    r = result_of(status)
    if r is None:
        return None
    if name == "interpretable":
        best = max(r.scores[:-1], key=lambda s: s.test_accuracy)
        return (f"{best.name}: {best.test_accuracy:.0%} against the network's "
                f"{r.scores[-1].test_accuracy:.0%}.")
    if name == "sanity":
        bad = [METHODS[m].title for m, f in r.flagged.items() if f]
        return f"Flagged: {', '.join(bad)}." if bad else "Every method passed."
    if name == "shortcut":
        return f"Clean {r.clean_accuracy:.0%} against cued {r.cued_accuracy:.0%}."
    if name == "robustness":
        return (f"{r.attack} at ε = {r.eps:g}: {r.clean_accuracy:.0%} → "
                f"{r.adversarial_accuracy:.0%}.")
    if name == "calibration":
        return f"ECE {r.before.ece:.3f} → {r.after.ece:.3f} after temperature scaling."
    if name == "bias":
        return (f"Accuracy on the cut class {r.class_accuracy_full[r.cls]:.0%} → "
                f"{r.class_accuracy_biased[r.cls]:.0%}.")
    return ("Rank correlation of attention with IG per layer: "
            + ", ".join(f"{m:.2f}" for m in r.agreement.mean(1)) + ".")


def closing_section() -> None:
    st.subheader("Before you trust a model, ask")
    st.markdown("Each experiment above is one question. A model's accuracy answers none of "
                "them.")
    for name, exp in EXPERIMENTS.items():
        found = _finding(name)
        line = f"- **{exp.question}** — *{exp.title}*"
        st.markdown(line + (f". You found: {found}" if found else "."))
    st.caption("And the ones no page can answer for you: who collected the data, who is "
               "missing from it, and who pays when the model is wrong?")
