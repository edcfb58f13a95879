"""The Activations and Attributions pages on the Generative page's networks: a "Network"
choice appears once the session has a GAN or diffusion run, and the generator,
discriminator and denoiser show their layers; the discriminator's attributions say which
coordinate it relies on, and agree with Captum called directly."""

from __future__ import annotations

import base64
import json

import numpy as np
import torch
from captum.attr import IntegratedGradients
from opening import open_page

from playground.generative.diffusion import DiffusionTrainer
from playground.generative.diffusion_run import DiffusionRun
from playground.generative.gan import GanTrainer
from playground.generative.gan_presets import DIFFUSION_PRESETS
from playground.generative.gan_run import GanRun
from playground.generative.gan_spec import GanSpec

GENERATIVE = "views/generative.py"
ACTIVATIONS = "views/activations.py"
ATTRIBUTIONS = "views/attributions.py"


def _charts(at) -> dict[str, dict]:
    return {c.key: json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.key}


def _values(value) -> np.ndarray:
    """A figure array as sent to the browser: a plain list or plotly's base64 typed array."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return flat.reshape(value["shape"]) if "shape" in value else flat
    return np.asarray(value)


def _with_gan_run():
    """A session whose Generative page has taken one slow-motion GAN step."""
    at = open_page(GENERATIVE)
    next(b for b in at.button if b.key == "gan.d_step").click().run()
    next(b for b in at.button if b.key == "gan.g_step").click().run()
    assert at.session_state["gan.run"].trainer.steps_done == 1
    return at


def test_no_network_choice_without_a_generative_run():
    at = open_page(ACTIVATIONS)
    assert not [s for s in at.segmented_control if s.key == "activations.network"]


def test_generator_layers_follow_the_chosen_noise():
    at = _with_gan_run()
    at.switch_page(ACTIVATIONS).run()
    choice = at.segmented_control(key="activations.network")
    assert choice.options == ["Your network", "GAN generator", "GAN discriminator"]
    choice.set_value("generator").run()
    assert not at.exception, [e.value for e in at.exception]
    charts = _charts(at)
    assert "gen_plane_head" in charts and "gen_layer_4" in charts  # 2 blocks + head
    assert "#### Every neuron over the (z1, z2) plane" in [m.value for m in at.markdown]
    head = charts["gen_layer_4"]["data"][0]
    run = at.session_state["gan.run"]
    z = torch.tensor([[0.8, -0.8]])  # the sliders' defaults
    with torch.no_grad():
        expected = run.trainer.generator(z)[0].numpy()
    assert np.allclose(_values(head["y"]), expected, atol=1e-5)  # the head is the generated point
    at.slider(key="gen_act.generator.z1").set_value(-2.0).run()
    assert _values(_charts(at)["gen_layer_input"]["data"][0]["y"])[0] == -2.0
    assert not np.allclose(_values(_charts(at)["gen_layer_4"]["data"][0]["y"]),
                           _values(head["y"]))


def test_discriminator_shows_neurons_over_the_plane_and_its_logit():
    at = _with_gan_run()
    at.switch_page(ACTIVATIONS).run()
    at.segmented_control(key="activations.network").set_value("discriminator").run()
    assert not at.exception
    at.number_input(key="gen_act.discriminator.x").set_value(0.0).run()
    charts = _charts(at)
    d = at.session_state["gan.run"].trainer.discriminator
    with torch.no_grad():
        logit = float(d(torch.tensor([[0.0, 0.0]]))[0, 0])
    assert np.isclose(_values(charts["gen_layer_4"]["data"][0]["y"])[0], logit, atol=1e-5)
    assert any("real? (logit)" in c["layout"]["title"]["text"] for c in charts.values())


def test_denoiser_reads_the_point_and_the_time_embedding():
    at = open_page(GENERATIVE)
    trainer = DiffusionTrainer(DIFFUSION_PRESETS["diffusion_ring"].spec())
    at.session_state["dif.run"] = DiffusionRun(trainer)
    at.switch_page(ACTIVATIONS).run()
    choice = at.segmented_control(key="activations.network")
    assert choice.options == ["Your network", "Diffusion denoiser"]
    choice.set_value("denoiser").run()
    at.slider(key="gen_act.denoiser.t").set_value(10).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("untrained" in i.value for i in at.info)
    charts = _charts(at)
    names = charts["gen_layer_input"]["data"][0]["x"]
    assert names[:3] == ["x", "y", "sin 0"] and len(names) == 2 + 16
    with torch.no_grad():
        eps = trainer.model(torch.tensor([[1.5, 0.0]]), torch.tensor([10]))[0].numpy()
    assert np.allclose(_values(charts["gen_layer_6"]["data"][0]["y"]), eps, atol=1e-5)


def test_discriminator_attributions_agree_with_captum_and_name_the_coordinate():
    at = _with_gan_run()
    at.switch_page(ATTRIBUTIONS).run()
    at.segmented_control(key="attributions.network").set_value("discriminator").run()
    at.selectbox(key="gen_attr.method").set_value("integrated_gradients").run()
    assert not at.exception, [e.value for e in at.exception]
    charts = _charts(at)
    assert {"gen_attr.one", "gen_attr.mean", "gen_attr.plane"} <= set(charts)
    d = at.session_state["gan.run"].trainer.discriminator
    direct = IntegratedGradients(d).attribute(torch.tensor([[1.5, 0.0]]),
                                              baselines=torch.zeros(1, 2), target=0)
    bars = charts["gen_attr.one"]["data"][0]
    assert bars["y"] == ["x", "y"]
    assert np.allclose(_values(bars["x"]), direct[0].detach().numpy(), atol=1e-4)
    assert any("the discriminator leans on" in c.value for c in at.caption)


def test_a_bad_attribution_setting_is_a_message_not_a_traceback():
    at = _with_gan_run()
    at.switch_page(ATTRIBUTIONS).run()
    at.segmented_control(key="attributions.network").set_value("discriminator").run()
    at.selectbox(key="gen_attr.method").set_value("integrated_gradients").run()
    steps = next(n for n in at.number_input if "n_steps" in (n.key or ""))
    steps.set_value(steps.max if steps.max else 1000).run()  # 1,500 points × many steps
    assert not at.exception
    assert any("model evaluations" in e.value for e in at.error)


def test_a_wide_noise_vector_is_drawn_from_a_seed_and_has_no_plane():
    at = open_page(GENERATIVE)
    at.session_state["gan.run"] = GanRun(GanTrainer(GanSpec().with_settings(noise_dim=8)))
    at.switch_page(ACTIVATIONS).run()
    at.segmented_control(key="activations.network").set_value("generator").run()
    first = _values(_charts(at)["gen_layer_input"]["data"][0]["y"])
    assert len(first) == 8 and "gen_plane_head" not in _charts(at)
    at.number_input(key="gen_act.generator.seed").set_value(3).run()
    assert not at.exception
    z = _values(_charts(at)["gen_layer_input"]["data"][0]["y"])
    assert np.allclose(z, np.random.default_rng(3).standard_normal(8), atol=1e-6)
