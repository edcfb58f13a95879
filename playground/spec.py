"""The spec: the JSON document every part of the playground exchanges.

A spec names a dataset, an ordered layer list and training settings. JSON files, URL
query parameters and presets are encodings of this one object and round-trip exactly:
`Spec.from_dict(s.to_dict()) == s`.
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playground.augment import AUGMENT_HELP, AUGMENTS, IMAGE_KIND, check_augment
from playground.errors import SpecError
from playground.params import Param, check_params

SPEC_VERSION = 1
MAX_SPEC_BYTES = 256_000  # a spec is a few kilobytes; anything bigger is not one
MAX_LAYERS = 64  # far past any network a learner builds; a 10,000-layer spec hung its page

# Each loss and the dataset task it trains ("classify" covers per-token labels too); the
# first loss of a task is its default. playground.trainer.example_losses defines them.
LOSS_TASKS: dict[str, str] = {"cross_entropy": "classify", "mse": "regress", "huber": "regress"}
TASK_WORDS = {"classify": "classification", "regress": "regression"}

TRAIN_PARAMS: tuple[Param, ...] = (
    Param("optimizer", str, "adam", "How weights move along the gradient.",
          choices=("sgd", "momentum", "adam", "adamw")),
    Param("lr", float, 0.01, "Learning rate: the size of each update step.",
          min=1e-6, max=10.0, log=True, live=True),
    Param("batch_size", int, 32, "Examples per gradient step.", min=1, max=4096),
    Param("epochs", int, 20, "Passes over the training set in the budget.", min=1, max=1000,
          live=True),
    Param("loss", str, "cross_entropy", "What the network is trained to minimise: "
          "cross_entropy for classes; mse (mean squared error) or huber (squared for errors "
          "under 1, linear beyond, so outliers pull less) for numbers.",
          choices=tuple(LOSS_TASKS)),
    Param("l1", float, 0.0, "L1 penalty on weights: pushes weights to exactly zero.",
          min=0.0, max=1.0),
    Param("l2", float, 0.0, "L2 penalty on weights: keeps weights small.", min=0.0, max=1.0),
    Param("seed", int, 0, "Seed for initial weights and batch order.", min=0, max=2**31 - 1),
    Param("patience", int, 0, "Early stopping: stop after this many epochs without a lower "
          "test loss and go back to the best epoch's weights; 0 trains the whole budget.",
          min=0, max=1000),
    Param("augment", str, "off", AUGMENT_HELP, choices=AUGMENTS),
    Param("device", str, "auto", "Where to train: auto picks CUDA, then MPS, then CPU.",
          choices=("auto", "cpu", "cuda", "mps")),
)

DATASET_FIELDS: tuple[Param, ...] = (
    Param("test_fraction", float, 0.2, "Share of examples held out for testing.",
          min=0.05, max=0.9),
    Param("seed", int, 0, "Seed for generating and splitting the data.", min=0, max=2**31 - 1),
    Param("train_fraction", float, 1.0, "Share of the training split actually trained on "
          "(the test split stays the same), to see how much data a model needs.",
          min=0.02, max=1.0),
)


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    params: dict[str, Any] = field(default_factory=dict)
    test_fraction: float = 0.2
    seed: int = 0
    train_fraction: float = 1.0


@dataclass(frozen=True)
class TrainSpec:
    optimizer: str = "adam"
    lr: float = 0.01
    batch_size: int = 32
    epochs: int = 20
    loss: str = "cross_entropy"
    l1: float = 0.0
    l2: float = 0.0
    seed: int = 0
    patience: int = 0
    augment: str = "off"  # a playground.augment.AUGMENTS mode; image datasets only
    device: str = "auto"


@dataclass(frozen=True)
class Spec:
    dataset: DatasetSpec
    layers: tuple[dict[str, Any], ...]
    train: TrainSpec = field(default_factory=TrainSpec)
    version: int = SPEC_VERSION

    @classmethod
    def from_dict(cls, data: Any) -> Spec:
        """Validate and normalise a parsed JSON object; missing keys take their defaults."""
        from playground.datasets import DATASETS
        from playground.layers import LAYERS

        if not isinstance(data, dict):
            raise SpecError("The spec must be a JSON object with keys version, dataset, "
                            f"layers and train; got {type(data).__name__}.")
        unknown = sorted(set(data) - {"version", "dataset", "layers", "train"})
        if unknown:
            raise SpecError(f"Unknown top-level key {', '.join(map(repr, unknown))}: a spec has "
                            "only version, dataset, layers and train.")
        version = data.get("version", SPEC_VERSION)
        if version != SPEC_VERSION:
            raise SpecError(f"Spec version {version!r} is not supported; this playground reads "
                            f"version {SPEC_VERSION}.")

        ds = data.get("dataset", {"name": "spiral"})
        if isinstance(ds, str):
            ds = {"name": ds}
        if not isinstance(ds, dict) or not isinstance(ds.get("name"), str):
            raise SpecError("'dataset' must be an object with a 'name', for example "
                            '{"name": "spiral"}.')
        if ds["name"] not in DATASETS:
            raise SpecError(f"Unknown dataset {ds['name']!r}. Available: "
                            f"{', '.join(DATASETS)}.")
        extra = sorted(set(ds) - {"name", "params", "test_fraction", "seed", "train_fraction"})
        if extra:
            raise SpecError(f"dataset: unknown key {', '.join(map(repr, extra))}; allowed keys "
                            "are name, params, test_fraction, seed and train_fraction.")
        ds_params = ds.get("params", {})
        if not isinstance(ds_params, dict):
            raise SpecError("dataset: 'params' must be an object of parameter values.")
        where = f"dataset {ds['name']}"
        fields = check_params(DATASET_FIELDS, {k: ds[k] for k in ("test_fraction", "seed",
                                                                  "train_fraction")
                                               if k in ds}, where)
        dataset = DatasetSpec(
            name=ds["name"],
            params=check_params(DATASETS[ds["name"]].params, ds_params, where),
            **fields,
        )

        raw_layers = data.get("layers", [])
        if not isinstance(raw_layers, list):
            raise SpecError("'layers' must be a list of layer objects such as "
                            '{"type": "linear", "units": 16}.')
        if len(raw_layers) > MAX_LAYERS:
            raise SpecError(f"This spec has {len(raw_layers):,} layers; the playground builds "
                            f"at most {MAX_LAYERS}. Remove layers, or start from a preset.")
        layers = tuple(_check_layer(i, layer, LAYERS) for i, layer in enumerate(raw_layers))

        train = data.get("train", {})
        if not isinstance(train, dict):
            raise SpecError("'train' must be an object of training settings.")
        task = DATASETS[dataset.name].task
        if "loss" not in train:  # a spec that names no loss gets its dataset's
            train = {**train, "loss": losses_for(task)[0]}
        settings = check_params(TRAIN_PARAMS, train, "train")
        _check_loss(settings["loss"], task, dataset.name)
        check_augment(settings["augment"], DATASETS[dataset.name].kind, dataset.name)
        return cls(dataset=dataset, layers=layers, train=TrainSpec(**settings))

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "dataset": {
                "name": self.dataset.name,
                "params": dict(self.dataset.params),
                "test_fraction": self.dataset.test_fraction,
                "seed": self.dataset.seed,
                "train_fraction": self.dataset.train_fraction,
            },
            "layers": [dict(layer) for layer in self.layers],
            "train": {p.name: getattr(self.train, p.name) for p in TRAIN_PARAMS},
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> Spec:
        if len(text) > MAX_SPEC_BYTES:
            raise SpecError(f"This is {len(text):,} bytes; a spec is a small JSON document "
                            "(a few kilobytes). Use the file 'Download spec' saved.")
        try:
            data = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SpecError(f"This is not valid JSON ({exc}). A spec file is the JSON that "
                            "'Download spec' or `python -m playground` writes.") from None
        except RecursionError:
            raise SpecError("This JSON is nested far too deeply to be a spec. A spec file is "
                            "the JSON that 'Download spec' or `python -m playground` writes."
                            ) from None
        return cls.from_dict(data)

    def to_url_token(self) -> str:
        """A compact, URL-safe encoding for query parameters and shareable links."""
        raw = json.dumps(self.to_dict(), separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")

    @classmethod
    def from_url_token(cls, token: str) -> Spec:
        try:
            inflate = zlib.decompressobj()
            # capped before it is inflated: a 77 KB token once expanded to 60 MB
            raw = inflate.decompress(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)),
                                     MAX_SPEC_BYTES + 1)
        except (ValueError, zlib.error):
            raise SpecError("The link's spec could not be read; it may have been cut short. "
                            "Ask for the link again or load a preset.") from None
        if len(raw) > MAX_SPEC_BYTES or inflate.unconsumed_tail:
            raise SpecError("The link's spec is far larger than any network the playground "
                            "builds, so it was not opened. Load a preset instead.")
        return cls.from_json(raw)

    def with_layers(self, layers: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> Spec:
        return Spec.from_dict({**self.to_dict(), "layers": list(layers)})

    def with_train(self, **changes: Any) -> Spec:
        return Spec.from_dict({**self.to_dict(), "train": {**self.to_dict()["train"], **changes}})

    def with_dataset(self, name: str, params: dict[str, Any] | None = None,
                     **fields: Any) -> Spec:
        """Another dataset, layers and settings kept; when its task differs (classes against
        numbers) the loss switches to that task's default, since the old one cannot train it,
        and augmentation turns off when the new data is not images."""
        from playground.datasets import DATASETS

        ds = {**self.to_dict()["dataset"], "name": name, "params": params or {}, **fields}
        train = self.to_dict()["train"]
        if name in DATASETS and LOSS_TASKS[train["loss"]] != DATASETS[name].task:
            train["loss"] = losses_for(DATASETS[name].task)[0]
        if name in DATASETS and DATASETS[name].kind != IMAGE_KIND:
            train["augment"] = "off"
        return Spec.from_dict({**self.to_dict(), "dataset": ds, "train": train})


def only_live_changes(old: Spec, new: Spec) -> bool:
    """Whether `new` differs from `old` at most in settings a running model can take on
    (those whose descriptor is `live`), so the weights can be kept."""
    a, b = old.to_dict(), new.to_dict()
    for d in (a, b):
        for p in TRAIN_PARAMS:
            if p.live:
                d["train"].pop(p.name)
    return a == b


def losses_for(task: str) -> tuple[str, ...]:
    """The losses that train a dataset of `task` ("classify", "tokens" or "regress"), the
    default first."""
    task = "classify" if task == "tokens" else task
    return tuple(name for name, t in LOSS_TASKS.items() if t == task)


def _check_loss(loss: str, task: str, dataset: str) -> None:
    """A classification loss on a regression dataset, or the reverse, is refused with the
    losses that fit (the dataset picker switches the loss itself: Spec.with_dataset)."""
    if loss in losses_for(task):
        return
    fits = losses_for(task)
    raise SpecError(
        f"train: loss {loss!r} is a {TASK_WORDS[LOSS_TASKS[loss]]} loss, but dataset "
        f"{dataset} is a {TASK_WORDS[task]} task"
        + (" (it predicts a number)" if task == "regress" else " (it predicts a class)")
        + f". Set train.loss to {' or '.join(map(repr, fits))}.")


def _check_layer(index: int, layer: Any, registry: dict) -> dict[str, Any]:
    where = f"layer {index + 1}"
    if not isinstance(layer, dict) or not isinstance(layer.get("type"), str):
        raise SpecError(f"{where}: each layer is an object with a 'type', for example "
                        '{"type": "relu"}.')
    kind = layer["type"]
    if kind not in registry:
        raise SpecError(f"{where}: unknown layer type {kind!r}. Available: "
                        f"{', '.join(registry)}.")
    params = {k: v for k, v in layer.items() if k != "type"}
    return {"type": kind, **check_params(registry[kind].params, params, f"{where} ({kind})")}


def load_spec(path: str | Path) -> Spec:
    """Read a spec file, turning every I/O or format problem into a SpecError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"Cannot read spec file {str(path)!r}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise SpecError(f"{str(path)!r} is not a text file; a spec is JSON.") from None
    return Spec.from_json(text)
