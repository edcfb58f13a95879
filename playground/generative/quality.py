"""Quality of generated 2D points, measured the same way for every generative model, and
the known GAN failures read off a run's history.

- modes covered: a mixture's mode counts as covered when at least a quarter of its fair
  share of the samples (n / k) lie within HQ_STDS standard deviations of it;
- high-quality share: the fraction of samples within HQ_STDS standard deviations of some
  mode;
- MMD²: the squared maximum mean discrepancy between generated and real samples with a sum
  of Gaussian kernels at a few widths, for every target (0 when they match).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.generative.targets import Target

HQ_STDS = 3.0
COVER_SHARE = 0.25
MMD_WIDTHS = (0.05, 0.2, 1.0)
MMD_POINTS = 1000


@dataclass(frozen=True)
class Quality:
    mmd: float
    modes_covered: int | None = None  # None when the target has no modes
    n_modes: int | None = None
    high_quality: float | None = None  # share of samples near a mode

    def as_dict(self) -> dict[str, float | int | None]:
        return {"mmd": self.mmd, "modes_covered": self.modes_covered,
                "n_modes": self.n_modes, "high_quality": self.high_quality}


def mode_counts(samples: np.ndarray, modes: np.ndarray, std: float) -> tuple[np.ndarray, int]:
    """Samples within HQ_STDS·std of each mode (k,), and how many samples are near none."""
    dist = np.linalg.norm(samples[:, None, :] - modes[None, :, :], axis=2)  # (n, k)
    nearest = dist.argmin(axis=1)
    near = dist[np.arange(len(samples)), nearest] <= HQ_STDS * std
    return np.bincount(nearest[near], minlength=len(modes)), int((~near).sum())


def mmd2(a: np.ndarray, b: np.ndarray, widths: tuple[float, ...] = MMD_WIDTHS) -> float:
    """Biased squared MMD between point sets a (n, 2) and b (m, 2)."""
    a, b = a[:MMD_POINTS].astype(np.float64), b[:MMD_POINTS].astype(np.float64)

    def k(x: np.ndarray, y: np.ndarray) -> float:
        d2 = ((x[:, None, :] - y[None, :, :]) ** 2).sum(axis=2)
        return float(sum(np.exp(-d2 / (2 * w * w)).mean() for w in widths))
    return max(0.0, k(a, a) + k(b, b) - 2 * k(a, b))


def measure(samples: np.ndarray, real: np.ndarray, target: Target) -> Quality:
    """The quality of `samples` (n, 2) against `real` draws from `target`."""
    finite = samples[np.isfinite(samples).all(axis=1)]
    if len(finite) < len(samples):  # a diverged generator: as far from the data as it gets
        return Quality(float("inf"), 0 if target.modes is not None else None,
                       None if target.modes is None else len(target.modes),
                       0.0 if target.modes is not None else None)
    mmd = mmd2(samples, real)
    if target.modes is None:
        return Quality(mmd)
    counts, _ = mode_counts(samples, target.modes, target.std)
    covered = int((counts >= COVER_SHARE * len(samples) / len(target.modes)).sum())
    return Quality(mmd, covered, len(target.modes), float(counts.sum() / len(samples)))


@dataclass(frozen=True)
class Failure:
    name: str  # "mode collapse" | "discriminator wins" | "oscillation"
    explanation: str


def diagnose(quality: list[Quality], d_real: list[float], d_fake: list[float],
             window: int = 100) -> list[Failure]:
    """The known GAN failures visible in a run's history, each with what it means."""
    found = []
    covered = [q.modes_covered for q in quality if q.modes_covered is not None]
    if len(covered) >= 3 and quality[-1].n_modes:
        best, now = max(covered), covered[-1]
        sharp = (quality[-1].high_quality or 0) > 0.5  # early, diffuse samples cover nothing
        if sharp and (best - now >= 2 or now < 0.75 * quality[-1].n_modes):
            found.append(Failure("mode collapse", (
                f"Modes covered fell to {now} of {quality[-1].n_modes} (best {best}) while the "
                "samples stay sharp: the generator found a few points the discriminator "
                "accepts and sends most noise there. The discriminator then learns those "
                "spots are fake and the generator hops to others instead of spreading out. "
                "Try a lower generator learning rate, more discriminator steps (k) or the "
                "least-squares loss.")))
    if len(d_fake) >= window:
        real, fake = float(np.mean(d_real[-window:])), float(np.mean(d_fake[-window:]))
        if real > 0.95 and fake < 0.05:
            found.append(Failure("discriminator wins", (
                f"The discriminator tells real from fake almost perfectly (D(x) ≈ {real:.2f} "
                f"on real points, D(G(z)) ≈ {fake:.2f} on generated ones). Its output is flat "
                "near 0 around the generated points, so the generator gets almost no "
                "gradient to follow. Lower the discriminator's learning rate or k, or make "
                "it smaller.")))
    mmds = [q.mmd for q in quality[-8:] if np.isfinite(q.mmd)]
    if len(mmds) >= 6:
        turns = sum(1 for a, b, c in zip(mmds, mmds[1:], mmds[2:], strict=False)
                    if (b - a) * (c - b) < 0 and abs(b - a) > 0.5 * min(mmds) + 1e-3)
        if turns >= 3:
            found.append(Failure("oscillation", (
                "The distance to the data goes up and down instead of settling: the two "
                "players chase each other round in circles (each step undoes the other's). "
                "Lower both learning rates, or use Adam with β1 = 0.5 as here and a smaller "
                "generator learning rate.")))
    return found
