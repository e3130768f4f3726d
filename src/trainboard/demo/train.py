"""A small, honest training run that fills every dashboard.

A CNN learns scikit-learn's bundled 8×8 digits (no download) on the CPU in about
a minute, logging what the PyTorch tutorials log — loss and accuracy with
``add_scalar`` and ``add_scalars``, an input grid, the model graph, weight and
gradient histograms, an embedding of features with labels and thumbnails, a PR
curve per class, text — plus audio, video, a mesh, hparams and a custom-scalars
layout, so every tab has something to show.

With ``live`` (a :class:`trainboard.demo.live.LiveWindows`), it also pushes its progress
through ``trainboard.Visdom`` to the Live tab; ``pace`` slows each epoch to at least that
many seconds, so a page that watches sees the points arrive; ``stop`` ends it early.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any

from trainboard.demo.live import LiveWindows
from trainboard.errors import MissingDependencyError

__all__ = ["DemoConfig", "check_dependencies", "run_demo"]


@dataclass(frozen=True)
class DemoConfig:
    logdir: str = "runs/demo"
    epochs: int = 30
    batch_size: int = 32
    lr: float = 0.02
    seed: int = 0
    pace: float = 0.0  # seconds each epoch takes at least


def check_dependencies() -> None:
    """Raise MissingDependencyError (naming the extra to install) unless the demo can run."""
    _imports()


def _imports() -> tuple[Any, Any]:
    try:
        import torch
        from sklearn.datasets import load_digits
    except ImportError as exc:
        raise MissingDependencyError(
            f"trainboard demo needs PyTorch and scikit-learn ({exc.name} is missing): "
            "pip install 'trainboard[demo]' (PyTorch and scikit-learn)"
        ) from exc
    return torch, load_digits


def _model(torch: Any) -> Any:
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),  # 8x8 -> 4x4
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),  # 4x4 -> 2x2
        nn.Flatten(),
        nn.Sequential(nn.Linear(128, 64), nn.ReLU()),  # the features the projector shows
        nn.Linear(64, 10),
    )


def _data(torch: Any, load_digits: Any, seed: int) -> tuple[Any, Any, Any, Any]:
    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
    y = torch.tensor(digits.target, dtype=torch.int64)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))
    x, y = x[order], y[order]
    split = int(0.8 * len(y))
    return x[:split], y[:split], x[split:], y[split:]


def run_demo(
    config: DemoConfig = DemoConfig(),
    *,
    log: Any = print,
    live: LiveWindows | None = None,
    stop: threading.Event | None = None,
) -> str:
    """Train and log into ``config.logdir``; return that directory.

    ``live`` also gets the progress (Visdom windows); a set ``stop`` ends training after
    the current epoch, without the final summaries.
    """
    torch, load_digits = _imports()
    from trainboard import SummaryWriter

    torch.manual_seed(config.seed)
    x_train, y_train, x_val, y_val = _data(torch, load_digits, config.seed)
    model = _model(torch)
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    started = time.monotonic()
    epochs = 0
    with SummaryWriter(config.logdir) as writer:
        _log_setup(writer, model, x_train, y_train, config)
        if live is not None:
            live.started(f"training a CNN on {len(y_train)} digits for {config.epochs} epochs")
        step = 0
        for epoch in range(config.epochs):
            if stop is not None and stop.is_set():
                break
            epoch_started = time.monotonic()
            step = _train_epoch(
                torch, writer, model, optimizer, loss_fn, x_train, y_train, config.batch_size, step,
                live,
            )
            metrics = _evaluate(
                torch, writer, model, loss_fn, x_train, y_train, x_val, y_val, epoch, step
            )
            _log_epoch(torch, writer, model, epoch, step, metrics, x_val, y_val)
            if live is not None:
                with torch.no_grad():
                    live.epoch(torch, epoch, metrics, model(x_val), x_val, y_val)
            log(
                f"epoch {epoch + 1}/{config.epochs}: val loss {metrics['val_loss']:.3f}, "
                f"val accuracy {metrics['val_acc']:.3f}"
            )
            epochs = epoch + 1
            rest = config.pace - (time.monotonic() - epoch_started)
            if rest > 0 and epochs < config.epochs:
                if stop is not None:
                    stop.wait(rest)
                else:
                    time.sleep(rest)
        if epochs == config.epochs:
            _log_final(torch, writer, model, x_val, y_val, metrics, config, step)
    summary = f"logged {epochs} epochs to {config.logdir} in {time.monotonic() - started:.0f} s"
    if live is not None:
        live.finished(summary)
    log(summary)
    return config.logdir


def _log_setup(writer: Any, model: Any, x: Any, y: Any, config: DemoConfig) -> None:
    writer.add_images("inputs/first_batch", _enlarged(x[:64]), 0)
    writer.add_graph(model, x[:8])
    writer.add_text(
        "about",
        (
            "# trainboard demo\n\nA CNN on scikit-learn's **8×8 digits**: "
            f"{len(y)} training images, batch size {config.batch_size}, SGD lr {config.lr}."
        ),
        0,
    )
    writer.add_custom_scalars(
        {
            "Training": {
                "loss (train vs val)": ["Multiline", ["loss/train_epoch", "loss/val"]],
                "accuracy with spread": [
                    "Margin",
                    ["accuracy/val", "accuracy/val_low", "accuracy/val_high"],
                ],
            },
        }
    )


def _enlarged(images: Any, factor: int = 4) -> Any:
    """8x8 digits shown 4x larger (nearest neighbour), so a grid of them reads as digits."""
    return images.repeat_interleave(factor, dim=2).repeat_interleave(factor, dim=3)


def _train_epoch(
    torch: Any,
    writer: Any,
    model: Any,
    optimizer: Any,
    loss_fn: Any,
    x: Any,
    y: Any,
    batch_size: int,
    step: int,
    live: LiveWindows | None = None,
) -> int:
    model.train()
    order = torch.randperm(len(y))
    for start in range(0, len(y), batch_size):
        idx = order[start : start + batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        optimizer.step()
        writer.add_scalar("loss/train_step", loss, step)
        if live is not None:
            live.step(step, loss.item())
        step += 1
    for name, param in model.named_parameters():
        if param.grad is not None:
            writer.add_histogram(f"gradients/{name}", param.grad, step)
    return step


def _evaluate(
    torch: Any,
    writer: Any,
    model: Any,
    loss_fn: Any,
    x_train: Any,
    y_train: Any,
    x_val: Any,
    y_val: Any,
    epoch: int,
    step: int,
) -> dict[str, float]:
    model.eval()
    with torch.no_grad():
        train_logits, val_logits = model(x_train), model(x_val)
    metrics = {
        "train_loss": float(loss_fn(train_logits, y_train)),
        "val_loss": float(loss_fn(val_logits, y_val)),
        "train_acc": float((train_logits.argmax(1) == y_train).float().mean()),
        "val_acc": float((val_logits.argmax(1) == y_val).float().mean()),
    }
    spread = 1.96 * math.sqrt(metrics["val_acc"] * (1 - metrics["val_acc"]) / len(y_val))
    writer.add_scalar("loss/train_epoch", metrics["train_loss"], epoch)
    writer.add_scalar("loss/val", metrics["val_loss"], epoch)
    writer.add_scalar("accuracy/val", metrics["val_acc"], epoch)
    writer.add_scalar("accuracy/val_low", metrics["val_acc"] - spread, epoch)
    writer.add_scalar("accuracy/val_high", metrics["val_acc"] + spread, epoch)
    writer.add_scalars(
        "accuracy", {"train": metrics["train_acc"], "val": metrics["val_acc"]}, epoch
    )
    return metrics


def _log_epoch(
    torch: Any,
    writer: Any,
    model: Any,
    epoch: int,
    step: int,
    metrics: dict[str, float],
    x_val: Any,
    y_val: Any,
) -> None:
    for name, param in model.named_parameters():
        writer.add_histogram(f"weights/{name}", param, epoch)
    with torch.no_grad():
        probs = torch.softmax(model(x_val), dim=1)
    for digit in range(10):
        writer.add_pr_curve(f"pr/digit_{digit}", y_val == digit, probs[:, digit], epoch)
    wrong = (probs.argmax(1) != y_val).nonzero().flatten()[:16]
    if len(wrong):
        writer.add_images("mistakes/val", _enlarged(x_val[wrong]), epoch)
    # The validation loss so far, as a falling tone: pitch follows the loss.
    sample_rate = 8000
    t = torch.arange(sample_rate // 2) / sample_rate
    pitch = 220 + 660 * min(metrics["val_loss"], 1.0)
    writer.add_audio(
        "sound/val_loss", 0.5 * torch.sin(2 * math.pi * pitch * t), epoch, sample_rate=sample_rate
    )


def _log_final(
    torch: Any,
    writer: Any,
    model: Any,
    x_val: Any,
    y_val: Any,
    metrics: dict[str, float],
    config: DemoConfig,
    step: int,
) -> None:
    with torch.no_grad():
        features = model[:-1](x_val)
    labels = [str(int(v)) for v in y_val]
    writer.add_embedding(
        features, metadata=labels, label_img=x_val, global_step=step, tag="features"
    )
    centered = features - features.mean(0)
    _, _, v = torch.linalg.svd(centered, full_matrices=False)
    points = (centered @ v[:3].T).unsqueeze(0)
    points = points / points.abs().max()
    palette = torch.tensor(
        [
            [31, 119, 180],
            [255, 127, 14],
            [44, 160, 44],
            [214, 39, 40],
            [148, 103, 189],
            [140, 86, 75],
            [227, 119, 194],
            [127, 127, 127],
            [188, 189, 34],
            [23, 190, 207],
        ],
        dtype=torch.uint8,
    )
    writer.add_mesh(
        "features_pca", vertices=points, colors=palette[y_val].unsqueeze(0), global_step=step
    )
    frames = x_val[:12].unsqueeze(0).repeat(1, 1, 3, 1, 1)  # (N=1, T=12, C=3, 8, 8)
    writer.add_video("inputs/flipbook", frames, step, fps=3)
    writer.add_hparams(
        {
            "lr": config.lr,
            "batch_size": config.batch_size,
            "epochs": config.epochs,
            "optimizer": "SGD",
        },
        {"hparam/val_accuracy": metrics["val_acc"], "hparam/val_loss": metrics["val_loss"]},
        run_name="hparams",
    )
