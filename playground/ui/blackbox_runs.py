"""Running a black-box experiment from a page: pick the model source, start a background
job, poll its progress, keep trained preset models for the session.

Jobs live in a session-scoped JobBoard (cancelled when the session ends); the worker never
calls Streamlit — it only reports through `progress(fraction, text)`. Every job carries the
Origin of the model it runs on (`playground.blackbox.origin`): a result is shown only under
the model choice that produced it, labelled when that model has changed since, and never
when it came from another model or from a user's model that has been replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import streamlit as st

from playground.blackbox import Experiment, ExperimentRun
from playground.blackbox.origin import (
    USER,
    Origin,
    Standing,
    note,
    own_origin,
    standing,
    take_user_model,
    user_now,
    user_origin,
)
from playground.blackbox.runs import Source, train_source, user_source
from playground.errors import SpecError
from playground.jobs import DONE, FAILED, JobBoard, JobStatus
from playground.spec import Spec
from playground.ui.state import get_runner
from playground.ui.text import md

POLL_SECONDS = 0.5
_MODELS = "blackbox_models"  # session cache: (preset key, epochs) -> trained model


@st.cache_resource(scope="session", on_release=lambda board: board.close(),
                   show_spinner=False)
def job_board() -> JobBoard:
    """The session's background jobs; all cancelled when the tab closes."""
    return JobBoard()


@dataclass(frozen=True)
class Choice:
    """What the user picked to examine, before any model exists.

    `build(params)` is called on the script thread when Run is pressed and returns the
    Source and the Origin the run is computed on, taken together; `now(params)` is the
    Origin a run would have now, which a stored result is compared with.
    """

    key: str  # "user" or a preset key
    label: str
    spec: Spec
    build: Callable[[dict[str, Any]], tuple[Source, Origin]]
    now: Callable[[dict[str, Any]], Origin]
    trains: bool  # whether the run trains a model (so its epochs setting matters)


def _user_model_fits(exp: Experiment) -> str | None:
    """Why the user's model cannot be used here, or None when it can."""
    runner = get_runner()
    if runner is None:
        return "your network cannot be built yet"
    return exp.unfit(runner.trainer.spec, runner.trainer.data.info.kind)


def _user_choice(exp: Experiment, label: str) -> Choice:
    """The user's model as a choice: its origin is the run's key and step (when the run
    examines its weights) and its network (when the run trains a copy of it)."""
    runner = get_runner()
    weights, trains = not exp.trains_fresh, exp.trains_fresh or exp.retrains

    def origin(key, step, spec, params) -> Origin:
        return user_origin(key, step, spec, weights=weights, trains=trains,
                           epochs=params.get("epochs"))

    def build(params: dict[str, Any]) -> tuple[Source, Origin]:
        model, key, step, spec = take_user_model(runner)
        return user_source(spec, model), origin(key, step, spec, params)

    def now(params: dict[str, Any]) -> Origin:
        return origin(*user_now(runner), params)

    return Choice(USER, label, runner.trainer.spec, build, now, trains)


def _own_choice(key: str, label: str, source: Source) -> Choice:
    def now(params: dict[str, Any]) -> Origin:
        return own_origin(key, source.label, params["epochs"])

    return Choice(key, label, source.spec, lambda params: (source, now(params)), now, True)


def choose_source(exp: Experiment) -> Choice:
    """A radio between the user's model and the experiment's own model choices.

    When the experiment trains fresh copies, the user's weights are not used, only their
    architecture; when it retrains, epochs matter even for the user's model.
    """
    why_not = _user_model_fits(exp)
    options: dict[str, str] = {}
    if why_not is None:
        options[USER] = ("Your network (trained fresh here on the modified data)"
                           if exp.trains_fresh else "Your current model (its trained weights)")
    choices = {c.key: c for c in exp.choices}
    options.update({k: c.label for k, c in choices.items()})
    key = st.radio("Model", list(options), format_func=options.get, horizontal=True,
                   key=f"bb.{exp.name}.source")
    if why_not is not None:
        st.caption(f"Your own model is not offered here: {why_not}.")
    if key == USER:
        if not exp.trains_fresh and user_now(get_runner())[1] == 0:
            st.warning("Your model is untrained, so this examines random weights. Train it "
                       "on the Train page first, or pick the preset.")
        return _user_choice(exp, options[key])
    return _own_choice(key, options[key], choices[key].source())


@dataclass(frozen=True)
class Output:
    """What a finished job hands back: the result, and the model it used (cached)."""

    result: Any
    model_key: tuple | None
    model: Any


def _job(progress, run, source: Source, params: dict, needs_model: bool,
         model_key: tuple | None, extra: tuple) -> Output:
    report = progress
    if needs_model and source.model is None:
        source = train_source(lambda f, t: progress(0.5 * f, t), source, params["epochs"])
        report = lambda f, t: progress(0.5 + 0.5 * f, t)  # noqa: E731
    return Output(run(report, source, params, *extra), model_key,
                  source.model if model_key is not None else None)


def run_controls(exp: Experiment, choice: Choice, params: dict[str, Any],
                 extra: tuple = (), run: ExperimentRun | None = None) -> JobStatus | None:
    """Run and Cancel buttons, the progress fragment while running, and the job's status.

    `run` is one of the experiment's runs (its first when None), called as
    `run.run(progress, source, params, *extra)`. The status comes back only when the job
    ran on the chosen model (as it is now, or at an earlier state, which is said above the
    result); a job on another model, or on a user's model replaced since, is named instead.
    """
    run = run or exp.runs[0]
    key = exp.job_key(run)
    needs_model = not exp.trains_fresh
    board = job_board()
    buttons = st.container(horizontal=True)
    if buttons.button(run.label, key=f"bb.{key}.run", type="primary"):
        try:
            source, origin = choice.build(params)
        except SpecError as exc:
            st.error(md(exc))
            return None
        model_key = None
        if choice.key != USER and needs_model:
            model_key = (choice.key, params.get("epochs"))
            cached = st.session_state.get(_MODELS, {}).get(model_key)
            if cached is not None:
                source = replace(source, model=cached)
        message = board.start(key, _job, run.run, source, dict(params), needs_model,
                              model_key, extra, origin=origin)
        if message:
            st.warning(md(message))
    status = board.status(key)
    if status is None:
        return None
    made: Origin | None = status.origin
    if status.active:
        if buttons.button("Cancel", key=f"bb.{key}.cancel"):
            board.cancel(key)
        if made is not None:
            st.caption(f"Running on {made.label}.")
        _progress(key)
        return None
    if status.state == DONE:
        out: Output = status.result
        if out.model_key is not None:  # kept whichever model is chosen now
            st.session_state.setdefault(_MODELS, {})[out.model_key] = out.model
    now = choice.now(params)
    words = note(made, now)
    if standing(made, now) not in (Standing.CURRENT, Standing.EARLIER):
        if words:
            st.caption(words)
        return None
    if words:
        st.warning(words, icon=":material/history:")
    if status.state == FAILED:
        st.error(md(status.error))
    elif status.state == DONE:
        st.caption(f"Finished in {status.seconds:.1f} s, on {made.label}.")
    else:
        st.info("Cancelled.")
    return status


def result_of(status: JobStatus | None) -> Any:
    """The experiment's result when its job finished, else None."""
    if status is None or status.state != DONE:
        return None
    return status.result.result


def _progress(key: str) -> None:
    @st.fragment(run_every=POLL_SECONDS)
    def poll() -> None:
        status = job_board().status(key)
        if status is None or not status.active:
            st.rerun()  # the whole page: the results appear below the controls
        st.progress(status.fraction, text=status.text)

    poll()
