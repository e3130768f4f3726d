"""The demo's Visdom windows: what the Live tab shows while the CNN trains.

:class:`LiveWindows` pushes through :class:`trainboard.Visdom` (the same calls a
``visdom.Visdom`` script makes) to the board the demo serves: the step loss as it
falls, train and validation accuracy per epoch (line windows, also mirrored into the
Scalars tab as the run ``live/<env>``), the validation confusion matrix (a heatmap
redrawn each epoch), the latest misclassified digits (an image grid) and a log (text).
"""

from __future__ import annotations

from typing import Any

__all__ = ["LiveWindows"]

DIGITS = [str(digit) for digit in range(10)]
STEP_EVERY = 5  # the step loss is pushed every this many optimizer steps


class LiveWindows:
    """Pushes the demo's training progress to a board through a Visdom client ``viz``."""

    def __init__(self, viz: Any) -> None:
        self.viz = viz

    def started(self, text: str) -> None:
        self.viz.text(text, win="log", opts={"title": "demo log"})

    def step(self, step: int, loss: float) -> None:
        if step % STEP_EVERY == 0:
            self.viz.line([loss], [step], win="step_loss", update="append",
                          opts={"title": "train loss per step", "xlabel": "step"})

    def epoch(self, torch: Any, epoch: int, metrics: dict[str, float], logits: Any, x: Any,
              y: Any) -> None:
        """After ``epoch``: accuracy, the confusion of ``logits`` with ``y``, mistakes in ``x``."""
        for name in ("train", "val"):
            self.viz.line([metrics[f"{name}_acc"]], [epoch], win="accuracy", name=name,
                          update="append",
                          opts={"title": "accuracy per epoch", "xlabel": "epoch",
                                "showlegend": True})
        predicted = logits.argmax(1)
        confusion = torch.bincount(y * 10 + predicted, minlength=100).reshape(10, 10)
        self.viz.heatmap(confusion.float(), win="confusion",
                         opts={"title": f"validation confusion, epoch {epoch + 1}",
                               "columnnames": DIGITS, "rownames": DIGITS,
                               "xlabel": "predicted", "ylabel": "true"})
        wrong = (predicted != y).nonzero().flatten()[:32]
        if len(wrong):
            images = x[wrong].repeat_interleave(4, dim=2).repeat_interleave(4, dim=3)
            self.viz.images(images, nrow=8, win="mistakes",
                            opts={"title": f"validation mistakes, epoch {epoch + 1}"})
        self.viz.text(
            f"epoch {epoch + 1}: val loss {metrics['val_loss']:.3f}, "
            f"val accuracy {metrics['val_acc']:.3f}",
            win="log", append=True,
        )

    def finished(self, text: str) -> None:
        self.viz.text(text, win="log", append=True)
        self.viz.flush()
