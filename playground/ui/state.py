"""Per-session state: the spec (mirrored into the URL) and the session's training runner.

Nothing here is shared between browser sessions. The runner lives in a session-scoped
resource whose release (tab closed, websocket dropped) stops its worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from playground.errors import SpecError
from playground.inspection.attention import AttentionRecorder
from playground.presets import PRESETS
from playground.runner import Runner
from playground.spec import Spec
from playground.trainer import Trainer

DEFAULT_PRESET = "spiral"
_SPEC = "spec"
_NOTICE = "spec_notice"


def get_spec() -> Spec:
    """The session's spec: from session state, else the URL, else the default preset."""
    if _SPEC not in st.session_state:
        spec = None
        token = st.query_params.get(_SPEC)
        if token:
            try:
                spec = Spec.from_url_token(token)
            except SpecError as exc:
                st.session_state[_NOTICE] = f"The link's network could not be loaded: {exc}"
        st.session_state[_SPEC] = spec or PRESETS[DEFAULT_PRESET].spec()
        st.query_params[_SPEC] = st.session_state[_SPEC].to_url_token()
    return st.session_state[_SPEC]


def set_spec(spec: Spec) -> None:
    """Replace the session's spec and mirror it into the URL for refreshes and links."""
    st.session_state[_SPEC] = spec
    st.query_params[_SPEC] = spec.to_url_token()


def pop_notice() -> str | None:
    """A one-time message about the spec (for example a link that could not be read)."""
    return st.session_state.pop(_NOTICE, None)


def structure_changed(old: Spec, new: Spec) -> bool:
    """Whether moving from `old` to `new` needs new weights (anything but lr and epochs)."""
    a, b = old.to_dict(), new.to_dict()
    for d in (a, b):
        d["train"].pop("lr")
        d["train"].pop("epochs")
    return a != b


@dataclass
class SessionJob:
    """The session's runner and the spec it was built from."""

    runner: Runner | None = None
    spec: Spec | None = None

    def close(self) -> None:
        if self.runner is not None:
            self.runner.close(wait=False)


def _release(job: SessionJob) -> None:
    job.close()


@st.cache_resource(scope="session", on_release=_release, show_spinner=False)
def _session_job() -> SessionJob:
    return SessionJob()


def get_runner() -> Runner | None:
    """The session's runner for the current spec, created (or reset) when the network,
    dataset or fixed training settings changed. None when the spec cannot be built; the
    reason is in `runner_error()`."""
    job = _session_job()
    spec = get_spec()
    if job.runner is not None and job.spec is not None and not structure_changed(job.spec,
                                                                                  spec):
        if job.spec != spec:  # only lr or the epoch budget moved: apply them live
            with job.runner.holding() as trainer:
                trainer.spec = trainer.spec.with_train(epochs=spec.train.epochs)
                trainer.set_lr(spec.train.lr)
            job.spec = spec
        return job.runner
    return reset_runner()


def peek_runner() -> Runner | None:
    """The session's runner if one already exists for the current network; never builds
    one, so summaries shown on every rerun (the sidebar) stay cheap."""
    job = _session_job()
    if job.runner is None or job.spec is None or structure_changed(job.spec, get_spec()):
        return None
    return job.runner


def reset_runner() -> Runner | None:
    """Fresh weights for the current spec; any running worker is stopped first."""
    job = _session_job()
    job.close()
    job.runner, job.spec = None, get_spec()
    st.session_state.pop("runner_error", None)
    try:
        trainer = Trainer(job.spec)
        # Attention models record their maps on a probe input while they train.
        job.runner = Runner(trainer, on_step=AttentionRecorder.for_trainer(trainer))
    except SpecError as exc:
        st.session_state["runner_error"] = str(exc)
    return job.runner


def runner_error() -> str | None:
    return st.session_state.get("runner_error")


def require_runner() -> Runner:
    """The session's runner; when the network cannot be built, say why, link to the Build
    page and stop the page there."""
    runner = get_runner()
    if runner is None:
        st.error(runner_error() or "This network cannot be built yet.", icon=":material/error:")
        st.page_link("views/build.py", label="Fix the network on the Build page",
                     icon=":material/construction:")
        st.stop()
    return runner
