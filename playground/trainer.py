"""The training loop and nothing else. `Trainer.step()` advances one batch; the background
runner, the command line, the tests and the benchmark are all small drivers of it."""

from __future__ import annotations

import math
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from playground.augment import augment_batch, augment_seed
from playground.builder import build_model, count_parameters
from playground.datasets import Data, make_data
from playground.devices import describe_device, resolve_device
from playground.errors import SpecError
from playground.inspection.forward import eval_mode
from playground.metrics import regression_scores
from playground.rng import RandomStream
from playground.shapes import validate
from playground.spec import Spec, only_live_changes

SNAPSHOT_EVERY = 25  # steps between copies of the weights kept for divergence recovery


@dataclass
class History:
    """Per-step training loss and one evaluation record per finished epoch."""

    step_loss: list[float] = field(default_factory=list)
    epochs: list[dict[str, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"step_loss": list(self.step_loss), "epochs": [dict(e) for e in self.epochs]}


@dataclass(frozen=True)
class StepResult:
    step: int  # steps done so far, this one included
    epoch: int  # epochs completed so far
    loss: float
    epoch_done: bool


def make_optimizer(name: str, params: Any, lr: float) -> torch.optim.Optimizer:
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr)
    raise SpecError(f"Unknown optimizer {name!r}; use sgd, momentum, adam or adamw.")


def batch_bounds(n: int, batch_size: int) -> list[tuple[int, int]]:
    """Batch [start, stop) pairs; a lone last example joins the batch before it, because
    batchnorm cannot normalise a batch of one."""
    bounds = [(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] == 1:
        bounds[-2:] = [(bounds[-2][0], n)]
    return bounds


# Regression losses, elementwise: mean squared error, and Huber (squared below an error of
# 1, linear above, so an outlier's pull on the weights stays bounded).
REGRESSION_LOSSES = {"mse": nn.functional.mse_loss, "huber": nn.functional.huber_loss}


def _check_loss_name(loss: str) -> None:
    if loss != "cross_entropy" and loss not in REGRESSION_LOSSES:
        raise SpecError(f"Unknown loss {loss!r}; use cross_entropy, mse or huber.")


def _class_targets(y: torch.Tensor) -> None:
    if y.is_floating_point():
        raise SpecError("cross_entropy compares class scores with class ids, but these "
                        "targets are numbers (a regression dataset): use mse or huber.")


def _regression_pair(output: torch.Tensor, y: torch.Tensor,
                     loss: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Predictions and targets as (B, 1) (one number per example), or a SpecError."""
    if not y.is_floating_point():
        raise SpecError(f"{loss} compares a predicted number with a target number, but these "
                        "targets are class ids (a classification dataset): use "
                        "cross_entropy.")
    pred = output.reshape(output.shape[0], -1)
    target = y.reshape(y.shape[0], -1).to(pred.dtype)
    if pred.shape != target.shape:
        raise SpecError(f"{loss} needs one output per target; the model gives "
                        f"{pred.shape[1]} per example.")
    return pred, target


def example_losses(output: torch.Tensor, y: torch.Tensor,
                   loss: str = "cross_entropy") -> torch.Tensor:
    """Each example's loss, (B,): a sequence's is the mean over its tokens. The one
    definition of the spec's `train.loss`; the batch loss is its mean.

    cross_entropy: output (B, C) or (B, T, C) class scores, y int class ids (B,) or (B, T).
    mse, huber: output (B, 1) predicted numbers, y float targets (B,).
    """
    _check_loss_name(loss)
    if loss in REGRESSION_LOSSES:
        pred, target = _regression_pair(output, y, loss)
        return REGRESSION_LOSSES[loss](pred, target, reduction="none").mean(1)
    _class_targets(y)
    per = nn.functional.cross_entropy(output.reshape(-1, output.shape[-1]), y.reshape(-1),
                                      reduction="none")
    return per.reshape(y.shape[0], -1).mean(1)


def batch_loss(output: torch.Tensor, y: torch.Tensor,
               loss: str = "cross_entropy") -> torch.Tensor:
    """The mean loss over examples (over every token for sequences)."""
    _check_loss_name(loss)
    if loss in REGRESSION_LOSSES:
        return REGRESSION_LOSSES[loss](*_regression_pair(output, y, loss))
    _class_targets(y)
    if output.dim() > 2:  # (B, T, C) -> (B*T, C); a (B, C) batch needs no reshape
        return nn.functional.cross_entropy(output.reshape(-1, output.shape[-1]), y.reshape(-1))
    return nn.functional.cross_entropy(output, y)


def loss_and_correct(logits: torch.Tensor, y: torch.Tensor,
                     loss: str = "cross_entropy") -> tuple[torch.Tensor, torch.Tensor]:
    """Mean loss and the number of correct predictions (per token for sequences)."""
    return batch_loss(logits, y, loss), (logits.argmax(-1) == y).sum()


class Trainer:
    """Owns a model, its optimizer and the batch order; advances by steps or epochs.

    Args:
        spec: the network, dataset and training settings.
        data: the split to train on (default: the spec's dataset, from the shared cache).
        device: overrides `spec.train.device`.
    """

    def __init__(self, spec: Spec, data: Data | None = None, device: str | None = None):
        self.spec = spec
        self.report = validate(spec)
        self.data = data or make_data(spec.dataset)
        self.device = resolve_device(device or spec.train.device)
        self.model = build_model(spec, self.report).to(self.device)
        self.parameters = count_parameters(self.model)
        self.regression = self.data.info.regression  # scores: rmse and r2, not accuracy
        self.x_train, self.y_train, self.x_test, self.y_test = (
            torch.as_tensor(a.copy()).to(self.device)
            for a in (self.data.x_train, self.data.y_train, self.data.x_test, self.data.y_test)
        )
        self.optimizer = make_optimizer(spec.train.optimizer, self.model.parameters(),
                                        spec.train.lr)
        self._generator = torch.Generator().manual_seed(spec.train.seed)
        # Augmentation (train.augment) draws from its own stream, seeded from the run's seed:
        # a run repeats exactly, and turning it on leaves the batch order as it was.
        self._augment_generator = (torch.Generator().manual_seed(augment_seed(spec.train.seed))
                                   if spec.train.augment != "off" else None)
        # Dropout masks come from this run's own stream, so other sessions cannot shift them.
        self._stream = RandomStream(spec.train.seed, self.device)
        self._stochastic = any(isinstance(m, nn.modules.dropout._DropoutNd)
                               for m in self.model.modules())
        self._bounds = batch_bounds(len(self.x_train), spec.train.batch_size)
        self._perm: torch.Tensor | None = None
        self._cursor = 0
        # Running epoch sums: the loss from the values already synced for the history, and
        # the batches' predictions, written into one buffer in batch order and compared with
        # their labels in one pass at the epoch end (one small kernel per step, no allocation).
        self._epoch_loss = 0.0
        self._epoch_preds = torch.empty(  # (N,) or (N, T) classes; (N,) predicted numbers
            self.y_train.shape, dtype=torch.float32 if self.regression else torch.long,
            device=self.device)
        self._snapshot = self._copy_weights()
        self._snapshot_step = 0
        self.history = History()
        self.step_count = 0
        self.epoch = 0
        self.samples_seen = 0
        self.train_seconds = 0.0
        self.diverged: str | None = None
        # Early stopping (train.patience): the epoch with the lowest test loss and its weights
        self.best_epoch = 0
        self._best: tuple[float, dict[str, torch.Tensor]] | None = None
        self.stopped_early: str | None = None
        self.weights_from: str | None = None  # set when the weights came from a file

    @property
    def device_label(self) -> str:
        return describe_device(self.device)

    @property
    def done(self) -> bool:
        return (self.diverged is not None or self.stopped_early is not None
                or self.epoch >= self.spec.train.epochs)

    @property
    def steps_per_epoch(self) -> int:
        return len(self._bounds)

    @property
    def samples_per_second(self) -> float:
        return self.samples_seen / self.train_seconds if self.train_seconds else 0.0

    @property
    def lr(self) -> float:
        return self.spec.train.lr

    def retarget(self, spec: Spec) -> None:
        """Take on a spec that differs only in live settings (learning rate, epoch budget),
        keeping weights and optimizer state; the spec is the one home of both."""
        if not only_live_changes(self.spec, spec):
            raise ValueError("retarget() takes only live setting changes; build a new Trainer "
                             "for anything else")
        self.spec = spec
        for group in self.optimizer.param_groups:
            group["lr"] = spec.train.lr

    def step(self) -> StepResult:
        """Train on one batch; at the end of an epoch evaluate and record it."""
        if self.diverged is not None:
            raise SpecError(self.diverged)
        start = time.perf_counter()
        if self._cursor == 0:
            self._perm = torch.randperm(len(self.x_train), generator=self._generator).to(
                self.device)
            self.model.train()
        lo, hi = self._bounds[self._cursor]
        idx = self._perm[lo:hi]
        xb, yb = self.training_batch(idx)
        self.optimizer.zero_grad(set_to_none=True)
        with self._stream.active() if self._stochastic else nullcontext():
            logits = self.model(xb)
        loss = batch_loss(logits, yb, self.spec.train.loss)
        total = loss + self._penalty() if self.spec.train.l1 or self.spec.train.l2 else loss
        value = loss.item()  # the one host sync a step needs: the history and the NaN guard
        if not math.isfinite(value) or not math.isfinite(total.item() if total is not loss
                                                        else value):
            self._diverge(value)
            raise SpecError(self.diverged)
        total.backward()
        self.optimizer.step()
        n = hi - lo
        self._epoch_loss += value * n
        if self.regression:
            self._epoch_preds[lo:hi] = logits.detach().reshape(n, -1)[:, 0]
        else:
            torch.argmax(logits.detach(), -1, out=self._epoch_preds[lo:hi])  # (B,) or (B, T)
        self.samples_seen += n
        self.step_count += 1
        self.history.step_loss.append(value)
        if self.step_count - self._snapshot_step >= SNAPSHOT_EVERY:
            self._snapshot, self._snapshot_step = self._copy_weights(), self.step_count
        self._cursor += 1
        epoch_done = self._cursor == len(self._bounds)
        self.train_seconds += time.perf_counter() - start
        if epoch_done:
            self._finish_epoch()
        return StepResult(self.step_count, self.epoch, value, epoch_done)

    def training_batch(self, idx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The training examples `idx` as a step trains on them: augmented when the spec asks
        (training batches only; evaluate() never augments)."""
        xb, yb = self.x_train[idx], self.y_train[idx]
        if self._augment_generator is not None:
            xb = augment_batch(xb, self.spec.train.augment, self._augment_generator)
        return xb, yb

    def take_weights(self, tensors: dict[str, torch.Tensor], source: str) -> None:
        """Continue from weights made elsewhere (`source`, e.g. a file's name): the optimizer
        starts afresh, since its moments belong to the old weights, and divergence recovery
        and early stopping start from the new ones."""
        self.model.load_state_dict(tensors)
        self.optimizer = make_optimizer(self.spec.train.optimizer, self.model.parameters(),
                                        self.lr)
        self._snapshot, self._snapshot_step = self._copy_weights(), self.step_count
        self._best = None
        self.weights_from = source

    def record_step(self, loss: float, examples: int) -> None:
        """Count a step taken on this trainer's model and optimizer by another driver
        (the learning-loop view), so the history and the Train page carry on from it."""
        self.step_count += 1
        self.samples_seen += examples
        self.history.step_loss.append(loss)

    def run_epoch(self) -> StepResult:
        """Step until the current epoch ends."""
        while True:
            result = self.step()
            if result.epoch_done:
                return result

    def train(self, epochs: int | None = None) -> History:
        """Train for `epochs` more epochs (default: the rest of the budget)."""
        target = self.epoch + epochs if epochs is not None else self.spec.train.epochs
        while self.epoch < target and self.diverged is None and self.stopped_early is None:
            self.run_epoch()
        return self.history

    @torch.no_grad()
    def evaluate(self, split: str = "test") -> dict[str, float]:
        """Loss and accuracy (regression: loss, rmse and r2) over a whole split, in eval
        mode; the training mode is restored."""
        x, y = (self.x_test, self.y_test) if split == "test" else (self.x_train, self.y_train)
        if self.regression:
            return self._evaluate_regression(x, y)
        with eval_mode(self.model):
            loss_sum, correct, count, seq_right = 0.0, 0, 0, 0
            for lo in range(0, len(x), 1024):
                xb, yb = x[lo:lo + 1024], y[lo:lo + 1024]
                logits = self.model(xb)
                loss, right = loss_and_correct(logits, yb, self.spec.train.loss)
                loss_sum += loss.item() * len(xb)
                correct += int(right)
                count += yb.numel()
                if yb.dim() > 1:
                    seq_right += int((logits.argmax(-1) == yb).all(-1).sum())
        out = {"loss": loss_sum / len(x), "accuracy": correct / count}
        if y.dim() > 1:
            out["sequence_accuracy"] = seq_right / len(x)
        return out

    def _evaluate_regression(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, float]:
        with eval_mode(self.model):
            loss_sum, preds = 0.0, []
            for lo in range(0, len(x), 1024):
                xb, yb = x[lo:lo + 1024], y[lo:lo + 1024]
                out = self.model(xb)
                loss_sum += batch_loss(out, yb, self.spec.train.loss).item() * len(xb)
                preds.append(out.reshape(len(xb), -1)[:, 0].float().cpu())
        scores = regression_scores(y.cpu().numpy(), torch.cat(preds).numpy())
        return {"loss": loss_sum / len(x), **scores}

    def metrics(self) -> dict[str, float]:
        """Train and test loss and accuracy (regression: rmse and r2) of the current
        weights."""
        train, test = self.evaluate("train"), self.evaluate("test")
        return {f"train_{k}": v for k, v in train.items()} | {f"test_{k}": v
                                                             for k, v in test.items()}

    def _finish_epoch(self) -> None:
        self.epoch += 1
        n = len(self.x_train)
        # The batches covered the permutation in order, so the predictions line up with it.
        record = {
            "epoch": self.epoch,
            "step": self.step_count,
            # Running averages over the epoch's batches: free, unlike a second pass.
            "train_loss": self._epoch_loss / n,
            "lr": self.lr,  # it may have been changed live during the epoch; this is its end
        }
        if self.regression:
            scores = regression_scores(self.y_train[self._perm].cpu().numpy(),
                                       self._epoch_preds.cpu().numpy())
            record |= {f"train_{k}": v for k, v in scores.items()}
        else:
            correct = int((self._epoch_preds == self.y_train[self._perm]).sum())
            record["train_accuracy"] = correct / max(1, self.y_train.numel())
        record |= {f"test_{k}": v for k, v in self.evaluate("test").items()}
        self.history.epochs.append(record)
        self._epoch_loss = 0.0
        self._cursor = 0
        if self.spec.train.patience:
            self._early_stop(record["test_loss"])

    def _early_stop(self, test_loss: float) -> None:
        """Keep the weights of the lowest test loss so far; after `patience` epochs without
        a lower one, go back to them and stop."""
        if self._best is None or test_loss < self._best[0]:
            self._best, self.best_epoch = (test_loss, self._copy_weights()), self.epoch
        elif self.epoch - self.best_epoch >= self.spec.train.patience:
            self.model.load_state_dict(self._best[1])
            self.stopped_early = (
                f"Stopped early at epoch {self.epoch}: the test loss has not fallen for "
                f"{self.spec.train.patience} epochs, so the weights went back to epoch "
                f"{self.best_epoch}, where it was lowest ({self._best[0]:.4f}).")

    def _penalty(self) -> torch.Tensor:
        weights = [p for p in self.model.parameters() if p.dim() > 1]
        total = torch.zeros((), device=self.device)
        if self.spec.train.l1:
            total = total + self.spec.train.l1 * sum(w.abs().sum() for w in weights)
        if self.spec.train.l2:
            total = total + self.spec.train.l2 * sum(w.pow(2).sum() for w in weights)
        return total

    def _copy_weights(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    def _diverge(self, value: float) -> None:
        self.model.load_state_dict(self._snapshot)
        self.optimizer = make_optimizer(self.spec.train.optimizer, self.model.parameters(),
                                        self.lr)
        what = "NaN (not a number)" if math.isnan(value) else "infinite"
        self.diverged = (
            f"Training stopped at step {self.step_count + 1}: the loss became {what}. The "
            f"updates grew too large to represent — the learning rate {self.lr:g} is probably "
            f"too high for {self.spec.train.optimizer}; try {self.lr / 10:g}, or add "
            f"normalisation layers. The weights were restored to step {self._snapshot_step}, "
            "the last safe copy. Reset to start again."
        )
