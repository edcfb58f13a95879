"""Per-server caps, configurable by environment variable, that turn an oversized request
into a message instead of an out-of-memory crash on a shared classroom server."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    max_parameters: int  # per model
    max_samples: int  # per dataset
    max_jobs: int  # background experiments (black box, depth) running at once on this server
    max_runs: int  # training runs admitted at once; later ones queue and start by themselves
    workers: int  # threads that train the admitted runs in turn (a core is left for pages)
    max_train_seconds: int  # wall time of one background run
    max_activation_mb: int  # estimated activation memory of one training step or evaluation
    reattach_seconds: int  # how long a closed tab's run waits for a reload to reattach it
    max_shares: int  # trained models shared by link, kept in memory (oldest dropped first)
    max_upload_mb: int  # one uploaded file (CSV, zip, picture) of a learner's own data
    max_unpacked_mb: int  # what an uploaded zip unpacks to, checked before extracting
    max_classes: int  # classes of an own dataset's target
    max_categories: int  # distinct values of one text feature column (one-hot each)
    max_text_chars: int = 200_000  # a learner's own text for a language model


def current_limits() -> Limits:
    return Limits(
        max_parameters=_env_int("PLAYGROUND_MAX_PARAMETERS", 2_000_000),
        max_samples=_env_int("PLAYGROUND_MAX_SAMPLES", 20_000),
        max_jobs=_env_int("PLAYGROUND_MAX_JOBS", 8),
        max_runs=_env_int("PLAYGROUND_MAX_RUNS", 32),
        workers=_env_int("PLAYGROUND_WORKERS", max(1, (os.cpu_count() or 2) - 1)),
        max_train_seconds=_env_int("PLAYGROUND_MAX_TRAIN_SECONDS", 600),
        max_activation_mb=_env_int("PLAYGROUND_MAX_ACTIVATION_MB", 1500),
        reattach_seconds=_env_int("PLAYGROUND_REATTACH_SECONDS", 600),
        max_shares=_env_int("PLAYGROUND_MAX_SHARES", 64),
        max_upload_mb=_env_int("PLAYGROUND_MAX_UPLOAD_MB", 20),
        max_unpacked_mb=_env_int("PLAYGROUND_MAX_UNPACKED_MB", 200),
        max_classes=_env_int("PLAYGROUND_MAX_CLASSES", 100),
        max_categories=_env_int("PLAYGROUND_MAX_CATEGORIES", 50),
        max_text_chars=_env_int("PLAYGROUND_MAX_TEXT_CHARS", 200_000),
    )
