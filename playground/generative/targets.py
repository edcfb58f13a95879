"""2D target distributions a generative model learns to imitate, each with a sampler and,
for the mixtures, the mode centres and spread the quality measures count against.

A learner's own points (an uploaded CSV of x,y) are a target too: sampled by drawing from
them with replacement, with no modes. Points clicked on a plane are a mixture instead: a
small Gaussian at each click, so the quality measures count the clicks as modes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from playground.errors import SpecError
from playground.registry import add_entry

MAX_UPLOAD_POINTS = 20_000
MAX_UPLOAD_BYTES = 2_000_000
MIN_DRAWN, MAX_DRAWN = 3, 400  # clicks a drawn target needs, and keeps
DRAWN_STD = 0.05  # each click's spread, as tight as the ring's modes


@dataclass(frozen=True)
class Target:
    """A 2D distribution: `sample(n, rng)` draws (n, 2) float32 points.

    modes: (k, 2) mode centres for a mixture, None for continuous shapes.
    std: each mode's standard deviation (mixtures only).
    """

    name: str
    description: str
    sample: Callable[[int, np.random.Generator], np.ndarray]
    modes: np.ndarray | None = None
    std: float = 0.0


TARGETS: dict[str, Target] = {}


def _mixture(centres: np.ndarray, std: float) -> Callable[[int, np.random.Generator],
                                                          np.ndarray]:
    def sample(n: int, rng: np.random.Generator) -> np.ndarray:
        which = rng.integers(0, len(centres), n)
        return (centres[which] + rng.normal(0.0, std, (n, 2))).astype(np.float32)
    return sample


def _moons(n: int, rng: np.random.Generator) -> np.ndarray:
    t = rng.uniform(0.0, np.pi, n)
    upper = rng.random(n) < 0.5
    x = np.where(upper, np.cos(t), 1.0 - np.cos(t)) - 0.5
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t)) - 0.25
    pts = np.stack([x, y], axis=1) * 1.6 + rng.normal(0.0, 0.05, (n, 2))
    return pts.astype(np.float32)


def _spiral(n: int, rng: np.random.Generator) -> np.ndarray:
    t = np.sqrt(rng.random(n)) * 3.0 * np.pi  # uniform along the arm's area, not its angle
    r = t / (3.0 * np.pi) * 1.8
    pts = np.stack([r * np.cos(t), r * np.sin(t)], axis=1) + rng.normal(0.0, 0.04, (n, 2))
    return pts.astype(np.float32)


def _line(n: int, rng: np.random.Generator) -> np.ndarray:
    s = rng.uniform(-1.5, 1.5, n)
    pts = np.stack([s, 0.5 * s], axis=1) + rng.normal(0.0, 0.03, (n, 2))
    return pts.astype(np.float32)


def register(target: Target) -> Target:
    return add_entry(TARGETS, target.name, target, "generative target")


_RING = np.array([[1.5 * np.cos(a), 1.5 * np.sin(a)]
                  for a in np.linspace(0.0, 2.0 * np.pi, 8, endpoint=False)])
_GRID = np.array([[x, y] for x in np.linspace(-1.6, 1.6, 5) for y in np.linspace(-1.6, 1.6, 5)])
register(Target("ring8", "A ring of 8 Gaussians: the classic test of mode collapse.",
                _mixture(_RING, 0.05), _RING, 0.05))
register(Target("grid25", "A 5×5 grid of 25 Gaussians: many modes to cover.",
                _mixture(_GRID, 0.04), _GRID, 0.04))
register(Target("moons_density", "Two interleaved half-moons.", _moons))
register(Target("spiral_density", "One spiral arm winding out from the centre.", _spiral))
register(Target("line_density", "A thin line: the data lies on one dimension.", _line))


def points_target(points: np.ndarray) -> Target:
    """The learner's own points as a target, resampled with replacement."""
    pts = np.asarray(points, dtype=np.float32)

    def sample(n: int, rng: np.random.Generator) -> np.ndarray:
        return pts[rng.integers(0, len(pts), n)]
    return Target("your points", f"Your {len(pts):,} points.", sample)


def drawn_target(clicks: np.ndarray) -> Target:
    """Points clicked on the ±1 plane (k, 2) as a mixture of Gaussians, one per distinct
    click (a point clicked twice weighs double), centred and scaled like an uploaded CSV to
    the built-in targets' size (±1.5), which the presets' networks and learning rates are
    tuned for. Measured with gan_ring on 8 clicks in a ring of radius 0.75: only scaled
    ×1.5 (radius 1.125) it covered 1 of 8 modes after 3,000 steps; standardised (radius
    1.5) 8 of 8, 91 % high-quality.

    Raises:
        SpecError: fewer than MIN_DRAWN clicks, or a click off the plane.
    """
    pts = np.asarray(clicks, dtype=np.float64).reshape(-1, 2)[-MAX_DRAWN:]
    if len(pts) < MIN_DRAWN:
        raise SpecError(f"The drawing has {len(pts)} point(s); click at least {MIN_DRAWN} "
                        "places on the plane to make a distribution to learn.")
    if not np.isfinite(pts).all() or np.abs(pts).max() > 1.0 + 1e-6:
        raise SpecError("A drawn point lies off the plane; click inside the ±1 square.")
    centres = standardise(pts).astype(np.float64)
    modes = np.unique(centres, axis=0)
    return Target("your drawing", f"Your drawing: {len(modes)} places clicked, a small "
                  "Gaussian at each.", _mixture(centres, DRAWN_STD), modes, DRAWN_STD)


def parse_points_csv(data: bytes | str) -> np.ndarray:
    """(N, 2) float32 points from a CSV with two numeric columns (an x,y header is allowed).

    Raises:
        SpecError: naming what is wrong with the file and how to fix it.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise SpecError(f"This file is {len(data):,} bytes; a points file holds at most "
                        f"{MAX_UPLOAD_POINTS:,} rows of x,y (about 2 MB).")
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise SpecError("This is not a text file. Upload a CSV with two columns, x and y, "
                        "one point per row.") from None
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if rows and not _numeric(rows[0]):
        rows = rows[1:]  # a header such as x,y
    if len(rows) < 10:
        raise SpecError(f"The file has {len(rows)} point(s); give at least 10 rows of x,y "
                        "so there is a distribution to learn.")
    if len(rows) > MAX_UPLOAD_POINTS:
        raise SpecError(f"The file has {len(rows):,} points; at most {MAX_UPLOAD_POINTS:,} "
                        "are allowed. Keep a sample of them.")
    for i, row in enumerate(rows):
        if len(row) != 2 or not _numeric(row):
            raise SpecError(f"Row {i + 1} is {','.join(row)[:40]!r}: every row must be two "
                            "numbers, x and y, separated by a comma.")
    pts = np.array([[float(a), float(b)] for a, b in rows], dtype=np.float32)
    if not np.isfinite(pts).all() or np.abs(pts).max() > 1e6:
        raise SpecError("The file holds an infinite, missing or huge value (over a million); "
                        "give finite coordinates.")
    return standardise(pts)


def standardise(points: np.ndarray) -> np.ndarray:
    """Centre the points and scale their larger spread to about that of the built-in
    targets (±1.5), so the same networks and learning rates fit them."""
    centred = points - points.mean(axis=0)
    scale = float(np.abs(centred).max()) or 1.0
    return (centred / scale * 1.5).astype(np.float32)


def _numeric(row: list[str]) -> bool:
    try:
        [float(c) for c in row]
    except ValueError:
        return False
    return True
