"""One iteration of the learning loop, taken for real and kept for reading stage by stage.

`take_step` runs the trainer's own model, loss and optimizer on one batch — forward,
loss, backward, update — and records what each stage produced: every layer's output,
the per-example losses, autograd's gradient and the optimizer's buffers for each
parameter tensor, the weights before and after, and the same batch's loss after the update.
Nothing is recomputed for display: the gradients are the ones the optimizer used and the
update is the change it made to the weights.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from playground.errors import SpecError
from playground.inspection.activations import first_tensor
from playground.rng import RandomStream
from playground.trainer import Trainer, batch_loss, example_losses

DEFAULT_BATCH = 8
MAX_BATCH = 256  # the loop keeps every layer's output for the batch; more is unreadable anyway
STAGES = ("Data", "Forward", "Prediction and loss", "Backward", "Update", "Did it help?")
_DRAW_SEED = 1_000_003  # spreads (seed, draw) pairs over distinct generator seeds


@dataclass(frozen=True)
class ParamStep:
    """One parameter tensor through the step."""

    name: str  # the state-dict name, e.g. "0.weight"
    layer: int  # index of the layer (child of the Sequential) it belongs to
    before: np.ndarray
    grad: np.ndarray  # autograd's ∂(loss + penalty)/∂w, exactly what the optimizer read
    after: np.ndarray
    buffers: dict[str, np.ndarray]  # the optimizer's state after the step (momentum, Adam m, v)

    @property
    def update(self) -> np.ndarray:
        return self.after - self.before

    @property
    def grad_norm(self) -> float:
        return float(np.linalg.norm(self.grad))

    @property
    def update_norm(self) -> float:
        return float(np.linalg.norm(self.update))


@dataclass(frozen=True)
class LoopStep:
    """Everything one step of the learning loop did, on one batch."""

    step: int  # the trainer's step number this was (1 = the first step of the run)
    indices: np.ndarray  # (B,) positions of the batch in the training set
    x: np.ndarray  # (B, *input_shape)
    y: np.ndarray  # (B,) labels or targets, (B, T) for sequences
    layers: tuple[np.ndarray, ...]  # each layer's output for the batch, (B, *shape)
    output: np.ndarray  # the head's output (logits, or the predicted value for regression)
    losses: np.ndarray  # (B,) each example's loss
    loss_before: float  # the batch's mean loss: what backward differentiated (penalty aside)
    penalty: float  # the L1/L2 term added to it (0 without regularisation)
    loss_after: float  # the same batch's mean loss after the update
    losses_after: np.ndarray  # (B,) each example's loss after the update
    params: tuple[ParamStep, ...]
    optimizer: str
    lr: float
    hyper: dict[str, float]  # the optimizer's settings that shape the update (betas, eps, …)

    @property
    def regression(self) -> bool:
        return bool(np.issubdtype(self.y.dtype, np.floating))

    @property
    def probabilities(self) -> np.ndarray:
        """Class probabilities (softmax of the logits); empty for regression."""
        if self.regression:
            return np.zeros((0,), np.float32)
        return torch.softmax(torch.as_tensor(self.output), -1).numpy()

    def layer_grad_norms(self, n_layers: int) -> list[float | None]:
        """The gradient's L2 norm per layer (None for a layer without parameters)."""
        sums: list[float | None] = [None] * n_layers
        for p in self.params:
            sums[p.layer] = (sums[p.layer] or 0.0) + p.grad_norm ** 2
        return [None if s is None else math.sqrt(s) for s in sums]

    def to_dict(self) -> dict[str, Any]:
        """The numbers the `step` command prints."""
        return {"step": self.step, "batch": self.indices.tolist(),
                "loss_before": self.loss_before, "loss_after": self.loss_after,
                "penalty": self.penalty,
                "params": {p.name: {"grad_norm": p.grad_norm, "update_norm": p.update_norm}
                           for p in self.params}}


def loop_batch(trainer: Trainer, size: int, draw: int) -> np.ndarray:
    """`size` distinct training examples, the same for the same run seed and `draw`."""
    n = len(trainer.x_train)
    if not 1 <= size <= MAX_BATCH:
        raise SpecError(f"The loop's batch size must be from 1 to {MAX_BATCH}; got {size}.")
    size = min(size, n)
    generator = torch.Generator().manual_seed(trainer.spec.train.seed * _DRAW_SEED + draw)
    return torch.randperm(n, generator=generator)[:size].numpy()


def expected_update(step: LoopStep, p: ParamStep) -> np.ndarray:
    """The update the optimizer's textbook rule gives from the recorded gradient and
    buffers — shown beside the weights' actual change, which it should equal."""
    lr, h = step.lr, step.hyper
    if step.optimizer == "sgd":
        return -lr * p.grad
    if step.optimizer == "momentum":
        return -lr * p.buffers["momentum_buffer"]
    t = h["t"]
    m_hat = p.buffers["exp_avg"] / (1 - h["beta1"] ** t)
    v_hat = p.buffers["exp_avg_sq"] / (1 - h["beta2"] ** t)
    adam = -lr * m_hat / (np.sqrt(v_hat) + h["eps"])
    if step.optimizer == "adamw":
        return adam - lr * h["weight_decay"] * p.before
    return adam


def take_step(trainer: Trainer, indices: Sequence[int] | np.ndarray) -> LoopStep:
    """One real training step of `trainer` on the examples `indices`, recorded.

    The model, optimizer state and history move on exactly as a `Trainer.step()` would
    (so the Train page carries on from here); only the batch is the caller's. Dropout
    draws the same masks for the loss before and after, so the two are comparable.
    """
    if trainer.diverged is not None:
        raise SpecError(trainer.diverged)
    model, opt, spec = trainer.model, trainer.optimizer, trainer.spec
    idx = torch.as_tensor(np.asarray(indices, dtype=np.int64), device=trainer.device)
    xb, yb = trainer.training_batch(idx)  # augmented as the run's own steps are
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    before = {n: p.detach().clone() for n, p in named}
    seed = spec.train.seed * _DRAW_SEED + trainer.step_count
    model.train()
    opt.zero_grad(set_to_none=True)
    with _recording(model) as outputs, RandomStream(seed, trainer.device).active():
        out = model(xb)
    per_example = example_losses(out, yb, spec.train.loss)
    loss = batch_loss(out, yb, spec.train.loss)
    penalty = trainer._penalty() if spec.train.l1 or spec.train.l2 else None
    total = loss + penalty if penalty is not None else loss
    if not math.isfinite(total.item()):
        raise SpecError(f"The loss on this batch is {total.item()}: the weights have blown "
                        "up. Reset on the Train page, then try a lower learning rate.")
    total.backward()
    grads = {n: p.grad.detach().clone() if p.grad is not None else torch.zeros_like(p)
             for n, p in named}
    opt.step()
    if not all(torch.isfinite(p).all() for _, p in named):
        with torch.no_grad():
            for n, p in named:
                p.copy_(before[n])
        raise SpecError(f"This update would make the weights infinite: the learning rate "
                        f"{trainer.lr:g} is far too high for {spec.train.optimizer}. The "
                        "weights were put back; lower the learning rate and step again.")
    losses_after = _losses_again(trainer, xb, yb, seed)
    trainer.record_step(loss.item(), len(idx))
    layer_of = {n: int(n.split(".")[0]) for n, _ in named}
    return LoopStep(
        step=trainer.step_count, indices=idx.cpu().numpy(), x=_np(xb), y=_np(yb),
        layers=tuple(_np(o) for o in outputs), output=_np(out.detach()),
        losses=_np(per_example.detach()), loss_before=loss.item(),
        penalty=penalty.item() if penalty is not None else 0.0,
        loss_after=losses_after.mean().item(), losses_after=_np(losses_after),
        params=tuple(ParamStep(n, layer_of[n], _np(before[n]), _np(grads[n]), _np(p.detach()),
                               {k: _np(v) for k, v in opt.state[p].items()
                                if torch.is_tensor(v) and v.shape == p.shape})
                     for n, p in named),
        optimizer=spec.train.optimizer, lr=trainer.lr, hyper=_hyper(opt, named),
    )


def _losses_again(trainer: Trainer, xb: torch.Tensor, yb: torch.Tensor,
                  seed: int) -> torch.Tensor:
    """Each example's loss with the new weights, in the same mode and with the same dropout
    masks as the step's; batchnorm's running statistics are left as the step set them."""
    buffers = {n: b.clone() for n, b in trainer.model.named_buffers()}
    with torch.no_grad(), RandomStream(seed, trainer.device).active():
        values = example_losses(trainer.model(xb), yb, trainer.spec.train.loss)
    with torch.no_grad():
        for n, b in trainer.model.named_buffers():
            b.copy_(buffers[n])
    return values



def _hyper(opt: torch.optim.Optimizer, named: list[tuple[str, nn.Parameter]]) -> dict[str,
                                                                                    float]:
    group = opt.param_groups[0]
    out = {"momentum": float(group.get("momentum", 0.0))}
    if "betas" in group:
        out |= {"beta1": float(group["betas"][0]), "beta2": float(group["betas"][1]),
                "eps": float(group["eps"]), "weight_decay": float(group["weight_decay"])}
        state = opt.state[named[0][1]] if named else {}
        out["t"] = float(state["step"]) if "step" in state else 0.0
    return out


class _recording:
    """Collect each child's output during one forward pass (graph intact, copies detached)."""

    def __init__(self, model: nn.Module) -> None:
        self.children = list(model.children())
        self.outputs: list[torch.Tensor] = []
        self.handles: list[Any] = []

    def __enter__(self) -> list[torch.Tensor]:
        def hook(_module: nn.Module, _inputs: Any, output: Any) -> None:
            self.outputs.append(first_tensor(output).detach())
        self.handles = [c.register_forward_hook(hook) for c in self.children]
        return self.outputs

    def __exit__(self, *exc: object) -> None:
        for handle in self.handles:
            handle.remove()


def _np(t: torch.Tensor) -> np.ndarray:
    """A copy: the model's and optimizer's tensors change in place on the next step."""
    t = t.detach().cpu()
    return (t.float() if t.is_floating_point() else t).numpy().copy()
