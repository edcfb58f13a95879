"""Targets, the uploaded-points parser, the quality measures and the failure diagnosis."""

from __future__ import annotations

import numpy as np
import pytest

from playground.errors import SpecError
from playground.generative.quality import Quality, diagnose, measure, mmd2
from playground.generative.targets import (
    DRAWN_STD,
    TARGETS,
    drawn_target,
    parse_points_csv,
    points_target,
    standardise,
)


@pytest.mark.parametrize("name", list(TARGETS))
def test_every_target_samples_finite_seeded_points(name):
    a = TARGETS[name].sample(500, np.random.default_rng(3))
    b = TARGETS[name].sample(500, np.random.default_rng(3))
    assert a.shape == (500, 2) and a.dtype == np.float32 and np.isfinite(a).all()
    np.testing.assert_array_equal(a, b)


def test_ring_samples_sit_at_its_modes_with_its_spread():
    t = TARGETS["ring8"]
    pts = t.sample(8000, np.random.default_rng(0))
    nearest = np.linalg.norm(pts[:, None] - t.modes[None], axis=2).argmin(axis=1)
    offsets = pts - t.modes[nearest]
    assert np.bincount(nearest).min() > 800  # every mode drawn about equally
    np.testing.assert_allclose(offsets.std(axis=0), t.std, rtol=0.1)


def test_samples_of_the_target_itself_score_as_perfect():
    t = TARGETS["grid25"]
    q = measure(t.sample(2000, np.random.default_rng(1)), t.sample(2000,
                np.random.default_rng(2)), t)
    assert q.modes_covered == 25 and q.high_quality > 0.98 and q.mmd < 0.01


def test_a_collapsed_generator_covers_one_mode_and_is_far_from_the_data():
    t = TARGETS["ring8"]
    collapsed = t.modes[0] + np.random.default_rng(0).normal(0, 0.02, (2000, 2))
    q = measure(collapsed, t.sample(2000, np.random.default_rng(1)), t)
    assert q.modes_covered == 1 and q.high_quality == 1.0 and q.mmd > 0.5
    assert diagnose([Quality(0.1, 8, 8, 0.9)] * 3 + [q], [], [])[0].name == "mode collapse"
    # Early on the samples are diffuse: a count that falls from 2 to 0 is no collapse.
    diffuse = [Quality(0.3, 2, 8, 0.15), Quality(0.2, 1, 8, 0.1), Quality(0.1, 0, 8, 0.13)]
    assert diagnose(diffuse, [], []) == []


def test_mmd_is_zero_for_identical_sets_and_grows_with_a_shift():
    a = np.random.default_rng(0).normal(size=(500, 2))
    assert mmd2(a, a) == pytest.approx(0.0, abs=1e-12)
    assert mmd2(a, a + 0.5) < mmd2(a, a + 2.0)


def test_a_winning_discriminator_and_oscillation_are_named():
    assert [f.name for f in diagnose([], [0.99] * 100, [0.01] * 100)] == ["discriminator wins"]
    swings = [Quality(m) for m in (0.1, 0.4, 0.1, 0.4, 0.1, 0.4, 0.1)]
    assert "oscillation" in [f.name for f in diagnose(swings, [], [])]
    settled = [Quality(m) for m in (0.4, 0.3, 0.2, 0.15, 0.12, 0.1, 0.1)]
    assert diagnose(settled, [0.6] * 100, [0.4] * 100) == []


def test_uploaded_points_are_read_centred_and_resampled():
    text = "x,y\n" + "\n".join(f"{i},{2 * i}" for i in range(20))
    pts = parse_points_csv(text.encode())
    assert pts.shape == (20, 2) and np.allclose(pts.mean(axis=0), 0, atol=1e-6)
    assert np.abs(pts).max() == pytest.approx(1.5)
    drawn = points_target(pts).sample(100, np.random.default_rng(0))
    assert {tuple(p) for p in drawn} <= {tuple(p) for p in pts}


@pytest.mark.parametrize(("data", "words"), [
    (b"\xff\xfe\x00", "not a text file"),
    (b"x,y\n1,2\n", "at least 10"),
    (b"x,y\n" + b"1,2,3\n" * 12, "two numbers"),
    (b"x,y\n" + b"1,a\n" * 12, "two numbers"),
    (b"x,y\n" + b"1,inf\n" * 12, "finite"),
])
def test_bad_point_files_get_a_message_saying_what_to_fix(data, words):
    with pytest.raises(SpecError, match=words):
        parse_points_csv(data)


def test_a_drawing_is_a_mixture_with_a_mode_per_distinct_click():
    clicks = np.array([[0.5, 0.5], [-0.5, 0.5], [0.0, -0.5], [0.0, -0.5]], np.float32)
    target = drawn_target(clicks)
    assert target.modes.shape == (3, 2) and target.std == DRAWN_STD
    pts = target.sample(4000, np.random.default_rng(0))
    assert pts.dtype == np.float32 and pts.shape == (4000, 2)
    near = np.linalg.norm(pts[:, None] - target.modes[None], axis=2).argmin(1)
    share = np.bincount(near, minlength=3) / len(pts)
    doubled = int(np.argmin(np.linalg.norm(target.modes - standardise(clicks)[2], axis=1)))
    assert abs(share[doubled] - 0.5) < 0.03  # clicked twice, drawn twice as often
    q = measure(target.sample(2000, np.random.default_rng(1)), pts, target)
    assert q.modes_covered == 3 and q.high_quality > 0.95


def test_a_drawing_with_too_few_or_stray_points_is_refused():
    with pytest.raises(SpecError, match="click at least 3"):
        drawn_target(np.zeros((2, 2)))
    with pytest.raises(SpecError, match="off the plane"):
        drawn_target(np.array([[0, 0], [0.5, 0], [3.0, 0]]))
