"""The scheduler: every admitted run gets slices in turn, later ones queue in order, and a
withdrawn run gets no slice after withdraw returns."""

import threading
import time

from playground.scheduler import Scheduler


class Counting:
    """A run that records its slices and can hold one open until told to finish it."""

    def __init__(self, slices: int = 10_000, hold: threading.Event | None = None) -> None:
        self.slices, self.left, self.hold = 0, slices, hold
        self.inside = threading.Event()
        self.ended = 0

    def train_slice(self, seconds: float) -> bool:
        self.inside.set()
        if self.hold is not None:
            self.hold.wait(5)
        time.sleep(0.001)
        self.slices += 1
        self.left -= 1
        return self.left > 0

    def slice_ended(self) -> None:
        self.ended += 1


def wait_for(predicate, timeout=10.0):
    end = time.monotonic() + timeout
    while not predicate() and time.monotonic() < end:
        time.sleep(0.005)
    return predicate()


def test_admitted_runs_share_one_worker_evenly():
    pool = Scheduler(workers=1, max_runs=8, slice_seconds=0.001)
    runs = [Counting() for _ in range(5)]
    for run in runs:
        assert pool.submit(run) == 0
    time.sleep(0.5)
    for run in runs:
        pool.withdraw(run)
    counts = [r.slices for r in runs]
    assert min(counts) > 10
    assert max(counts) - min(counts) <= 2, counts  # round robin: at most a slice apart
    assert all(r.ended == 1 for r in runs)


def test_past_the_cap_runs_wait_in_order_and_start_when_one_ends():
    pool = Scheduler(workers=2, max_runs=1, slice_seconds=0.001)
    first, second, third = Counting(slices=20), Counting(), Counting()
    assert pool.submit(first) == 0
    assert pool.submit(second) == 1
    assert pool.submit(third) == 2
    assert pool.load() == (1, 2)
    assert wait_for(lambda: first.ended == 1)  # its 20 slices done: it leaves
    assert wait_for(lambda: second.slices > 0)
    assert third.slices == 0 and pool.place(third) == 1
    pool.withdraw(second)
    assert wait_for(lambda: third.slices > 0)
    pool.withdraw(third)
    assert not pool.scheduled(third)


def test_withdraw_waits_for_the_slice_under_way_and_no_slice_follows():
    hold = threading.Event()
    pool = Scheduler(workers=1, max_runs=4, slice_seconds=0.001)
    run = Counting(hold=hold)
    pool.submit(run)
    assert run.inside.wait(5)
    done = threading.Event()
    threading.Thread(target=lambda: (pool.withdraw(run), done.set())).start()
    time.sleep(0.05)
    assert not done.is_set()  # the slice is still running
    hold.set()
    assert done.wait(5)
    seen = run.slices
    time.sleep(0.05)
    assert run.slices == seen and run.ended == 1 and not pool.scheduled(run)
