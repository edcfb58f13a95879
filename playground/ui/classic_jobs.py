"""The Deep vs classic page's experiments as background jobs: Start validates on the
script thread, the job adds results to a LiveRows as it measures them, and a polling
fragment redraws what is there; Stop keeps it.

Each experiment runs under its own name on the session's JobBoard; what was started is
kept in session state with the words naming what it was started on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from playground.classic.live import LiveRows
from playground.jobs import CANCELLED, DONE, FAILED, JobStatus
from playground.ui.blackbox_runs import job_board
from playground.ui.text import md

POLL_SECONDS = 1.0


@dataclass(frozen=True)
class Started:
    rows: LiveRows
    label: str  # what it was started on, shown above its results
    extra: dict[str, Any] = field(default_factory=dict)


def start(job: str, fn: Callable[..., Any], label: str, *args: Any,
          extra: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """Start `fn(progress, *args, sink=rows, **kwargs)` as the job `job`."""
    rows: LiveRows = LiveRows()
    st.session_state[f"classic.{job}"] = Started(rows, label, extra or {})
    refused = job_board().start(job, fn, *args, sink=rows, **kwargs)
    if refused:
        st.error(md(refused), icon=":material/error:")


def stop_button(job: str) -> None:
    status = job_board().status(job)
    if status is not None and status.active and st.button("Stop", key=f"classic.{job}.stop"):
        live = job_board().get(job)
        if live is not None:
            live.cancel(wait=2.0)


def render_live(job: str, draw: Callable[[Started, JobStatus], None], empty: str) -> None:
    """The latest run of `job`: its progress or outcome, then `draw(started, status)`;
    redrawn every POLL_SECONDS while it runs."""
    started: Started | None = st.session_state.get(f"classic.{job}")
    status = job_board().status(job)
    if started is None or status is None:
        st.caption(empty)
        return
    running = status.active

    @st.fragment(run_every=POLL_SECONDS if running else None)
    def results() -> None:
        now = job_board().status(job)
        if running and (now is None or not now.active):
            st.rerun()  # the whole page: Stop goes and the final state shows
        if now is None:
            return
        st.caption(md(f"On {started.label}."))
        if now.active:
            st.progress(now.fraction, text=now.text)
        elif now.state == FAILED:
            st.error(md(now.error), icon=":material/error:")
        elif now.state == CANCELLED:
            st.info("Stopped. The results below are what was measured before.")
        elif now.state == DONE:
            st.caption(f"Finished in {now.seconds:.1f} s.")
        draw(started, now)

    results()
