"""What records a run's inside while it trains, called after every step under the runner's
lock: attention maps on a probe (attention models) and the samples timeline (text runs)."""

from __future__ import annotations

from dataclasses import dataclass

from playground.inspection.attention import AttentionRecorder
from playground.language.timeline import SampleTimeline


@dataclass
class RunWatchers:
    attention: AttentionRecorder | None = None
    samples: SampleTimeline | None = None

    @classmethod
    def for_trainer(cls, trainer) -> RunWatchers:
        return cls(AttentionRecorder.for_trainer(trainer), SampleTimeline.for_trainer(trainer))

    def __call__(self, trainer) -> None:
        for watcher in (self.attention, self.samples):
            if watcher is not None:
                watcher(trainer)


def watchers(runner) -> RunWatchers:
    """The runner's watchers (none for a runner built without them)."""
    found = runner.on_step
    return found if isinstance(found, RunWatchers) else RunWatchers()
