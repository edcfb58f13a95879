"""The reverse chain's animation: one Plotly frame per kept step, from pure noise to the
samples, with a play button, all valid Plotly."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.generative.diffusion import DiffusionTrainer
from playground.generative.diffusion_spec import DiffusionSpec
from playground.viz.diffusion import chain_animation


def test_the_chain_animation_has_a_frame_per_step_and_a_play_button():
    trainer = DiffusionTrainer(DiffusionSpec().with_settings(timesteps=20, steps=1))
    _, chain = trainer.sample(60, keep_every=5)
    fig = go.Figure(chain_animation(trainer.eval_real[:50], chain, shown=0).to_dict())
    assert len(fig.frames) == len(chain) == 5
    for frame, pts in zip(fig.frames, chain, strict=True):
        assert np.allclose(frame.data[0].x, pts[:, 0]) and frame.traces == (1,)
    assert "frame 0 of 4 (pure noise)" in fig.layout.title.text
    assert np.allclose(fig.data[1].x, chain[0][:, 0])  # shows the chosen frame first
    assert "samples" in fig.frames[-1].layout.title.text
    buttons = fig.layout.updatemenus[0].buttons
    assert buttons[0].label.endswith("Play") and buttons[0].method == "animate"
    assert [s.label for s in fig.layout.sliders[0].steps] == [str(i) for i in range(5)]
    assert fig.layout.xaxis.title.text == "x" and fig.layout.yaxis.title.text == "y"


def test_a_single_frame_chain_still_draws():
    pts = np.zeros((3, 2), np.float32)
    fig = go.Figure(chain_animation(pts, [pts]).to_dict())
    assert len(fig.frames) == 1 and "frame 0 of 0" in fig.layout.title.text
