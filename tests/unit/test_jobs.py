"""Background jobs: progress, results, errors, cancellation, the server cap, the board."""

import threading

import pytest

from playground.errors import SpecError
from playground.jobs import CANCELLED, DONE, FAILED, Job, JobBoard


def test_job_reports_progress_and_result():
    seen = []

    def work(progress, a, b=0):
        progress(0.5, "half way")
        seen.append(True)
        return a + b

    job = Job(work, 2, b=3, name="add")
    assert job.start() is None
    status = job.join(timeout=5)
    assert status.state == DONE and status.result == 5 and status.fraction == 1.0
    assert seen == [True] and not status.active


def test_spec_error_becomes_the_message_and_other_errors_are_named():
    def bad(progress):
        raise SpecError("pick a smaller epsilon")

    def broken(progress):
        raise RuntimeError("boom")

    a, b = Job(bad, name="a"), Job(broken, name="sanity")
    a.start(), b.start()
    assert a.join(5).state == FAILED and a.status().error == "pick a smaller epsilon"
    assert b.join(5).state == FAILED and "sanity" in b.status().error
    assert "boom" in b.status().error


def test_cancel_stops_at_the_next_progress_report():
    gate = threading.Event()
    steps = []

    def slow(progress):
        for i in range(1000):
            gate.wait(5)
            progress(i / 1000, f"step {i}")
            steps.append(i)
        return "finished"

    job = Job(slow)
    job.start()
    job.cancel()
    gate.set()
    status = job.join(5)
    assert status.state == CANCELLED and status.result is None
    assert len(steps) < 1000


def test_start_is_refused_when_the_server_is_full(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_JOBS", "1")
    gate = threading.Event()
    first = Job(lambda progress: gate.wait(5))
    assert first.start() is None
    second = Job(lambda progress: None)
    message = second.start()
    assert message and "Wait" in message and second.status().state == FAILED
    gate.set()
    first.join(5)
    third = Job(lambda progress: 1)  # the slot was released
    assert third.start() is None and third.join(5).state == DONE


def test_board_replaces_and_cancels_a_running_job():
    gate = threading.Event()

    def wait(progress):
        while not gate.wait(0.01):
            progress(0.1, "waiting")

    board = JobBoard()
    board.start("x", wait)
    old = board.get("x")
    board.start("x", lambda progress: "new")
    assert board.get("x") is not old
    assert old.join(5).state == CANCELLED
    assert board.get("x").join(5).result == "new"
    board.start("y", wait)
    board.close()
    assert board.get("y").join(5).state == CANCELLED
    gate.set()
    assert board.status("missing") is None


@pytest.mark.parametrize("value,expected", [(-1, 0.0), (0.25, 0.25), (3, 1.0)])
def test_progress_fraction_is_clamped(value, expected):
    job = Job(lambda progress: None)
    job.progress(value, "x")
    assert job.status().fraction == expected and job.status().text == "x"


def test_a_job_says_what_it_was_started_on_and_a_replacement_says_its_own():
    gate = threading.Event()

    def wait(progress):
        while not gate.wait(0.01):
            progress(0.1, "waiting")
        return "first"

    board = JobBoard()
    board.start("x", wait, origin="preset circles")
    assert board.status("x").origin == "preset circles" and board.status("x").active
    board.start("x", lambda progress: "second", origin="your model, step 3")
    status = board.get("x").join(5)
    assert status.result == "second" and status.origin == "your model, step 3"
    gate.set()
    assert Job(lambda progress: None).status().origin is None
