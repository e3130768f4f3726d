"""trainboard.lightning.TrainboardLogger with a real Lightning Trainer (CPU, tiny model).

Needs ``lightning`` (the dev extra); skipped with the reason where it is not installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("lightning", reason="needs lightning: pip install 'trainboard[lightning]'")
torch = pytest.importorskip("torch")

import lightning as L  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

import trainboard  # noqa: E402
from trainboard.data.logdir import LogdirProvider  # noqa: E402
from trainboard.lightning import TrainboardLogger  # noqa: E402
from trainboard.server.routes.hparams import hparams_impl  # noqa: E402

pytestmark = [
    pytest.mark.torch,
    pytest.mark.timeout(300),
    # Lightning's own advice on a tiny CPU run (few workers, few batches, no GPU).
    pytest.mark.filterwarnings("ignore::UserWarning:lightning.*"),
    # Lightning 2.6 on torch 2.13 (its own use of torch's pytree).
    pytest.mark.filterwarnings(
        "ignore:`isinstance.treespec, LeafSpec.` is deprecated:FutureWarning"
    ),
]


class Regressor(L.LightningModule):
    def __init__(self, hidden: int = 8, lr: float = 0.05, optimizer: str = "sgd") -> None:
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Linear(4, hidden), nn.ReLU(), nn.Linear(hidden, 1))
        self.example_input_array = torch.zeros(2, 4)

    def forward(self, x: Any) -> Any:
        return self.net(x)

    def training_step(self, batch: Any, batch_idx: int) -> Any:
        x, y = batch
        loss = nn.functional.mse_loss(self(x), y)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        self.log("val_loss", nn.functional.mse_loss(self(x), y))

    def test_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        self.log("test_loss", nn.functional.mse_loss(self(x), y))

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=self.hparams["lr"])


def _loaders() -> tuple[DataLoader[Any], DataLoader[Any]]:
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(64, 4, generator=generator)
    y = x.sum(dim=1, keepdim=True)
    data = TensorDataset(x, y)
    return DataLoader(data, batch_size=8), DataLoader(data, batch_size=32)


def _fit(save_dir: Path, *, test: bool = False, **logger_args: Any) -> TrainboardLogger:
    logger = TrainboardLogger(save_dir, **logger_args)
    trainer = L.Trainer(
        max_epochs=3, logger=logger, log_every_n_steps=2, accelerator="cpu", devices=1,
        enable_progress_bar=False, enable_model_summary=False,
    )
    train, val = _loaders()
    model = Regressor()
    trainer.fit(model, train, val)
    if test:
        trainer.test(model, val)
    return logger


def test_fit_logs_scalars_hparams_and_graph_in_lightnings_layout(tmp_path: Path) -> None:
    logger = _fit(tmp_path, name="exp", log_graph=True)

    run_dir = tmp_path / "exp" / "version_0"
    assert logger.log_dir == str(run_dir)
    assert logger.version == 0
    assert any(n.startswith("events.out.tfevents") for n in os.listdir(run_dir))
    assert (run_dir / "hparams.yaml").read_text().splitlines() == [
        "hidden: 8", "lr: 0.05", "optimizer: sgd",
    ]
    assert (run_dir / "checkpoints").is_dir()  # ModelCheckpoint follows the logger's layout

    with trainboard.open(tmp_path, use_cache=False) as logdir:
        assert logdir.runs == ["exp/version_0"]
        scalars = logdir.tags("exp/version_0", "scalars")
        assert {"train_loss", "val_loss", "epoch", "hp_metric"} <= set(scalars)
        train_loss = logdir.scalars("exp/version_0", "train_loss")
        assert len(train_loss) == 12  # 3 epochs x 8 batches, every 2nd step
        assert list(train_loss.steps) == list(range(1, 24, 2))
        assert len(logdir.scalars("exp/version_0", "val_loss")) == 3
        assert logdir.hparams("exp/version_0") == {
            "hidden": 8.0, "lr": 0.05, "optimizer": "sgd",
        }
        graph = logdir.graph("exp/version_0")
        assert b"Linear" in graph

    provider = LogdirProvider(tmp_path, use_cache=False)
    try:
        provider.reload()
        answer = hparams_impl(provider)
    finally:
        provider.close()
    (session,) = answer["sessions"]
    assert session["run"] == "exp/version_0"
    assert session["status"] == "success"
    assert session["hparams"] == {"hidden": 8.0, "lr": 0.05, "optimizer": "sgd"}
    metrics = [m["tag"] for m in answer["metrics"]]
    assert {"hp_metric", "train_loss", "val_loss", "epoch"} <= set(metrics)
    values = dict(zip(metrics, session["metrics"], strict=True))
    val_loss = values["val_loss"]
    assert val_loss is not None and val_loss["step"] == 23


def test_test_after_fit_logs_into_the_same_run(tmp_path: Path) -> None:
    logger = _fit(tmp_path, test=True)
    with trainboard.open(tmp_path, use_cache=False) as logdir:
        assert logdir.runs == ["lightning_logs/version_0"]
        test_loss = logdir.scalars("lightning_logs/version_0", "test_loss")
        assert list(test_loss.steps) == [24]  # after fit's 24 steps
    assert logger.log_dir == str(tmp_path / "lightning_logs" / "version_0")


def test_versions_count_up_and_a_given_version_is_used(tmp_path: Path) -> None:
    assert _fit(tmp_path).log_dir == str(tmp_path / "lightning_logs" / "version_0")
    assert _fit(tmp_path).log_dir == str(tmp_path / "lightning_logs" / "version_1")
    named = _fit(tmp_path, name="", version="baseline", sub_dir="tb")
    assert named.log_dir == str(tmp_path / "baseline" / "tb")
    with trainboard.open(tmp_path, use_cache=False) as logdir:
        assert logdir.runs == [
            "baseline/tb", "lightning_logs/version_0", "lightning_logs/version_1",
        ]


def test_experiment_is_the_summary_writer_and_prefix_joins_with_a_dash(tmp_path: Path) -> None:
    logger = TrainboardLogger(tmp_path, prefix="fold1", default_hp_metric=False)
    assert isinstance(logger.experiment, trainboard.SummaryWriter)
    logger.log_metrics({"loss": torch.tensor(0.25), "acc": {"a": 1.0, "b": 2.0}}, step=3)
    logger.log_hyperparams({"model": {"depth": 2, "act": nn.ReLU}, "seed": None})
    logger.finalize("success")
    with trainboard.open(tmp_path, use_cache=False) as logdir:
        run = "lightning_logs/version_0"
        assert logdir.scalars(run, "fold1-loss").values.tolist() == [0.25]
        assert logdir.hparams(run) == {"model/depth": 2.0, "model/act": "ReLU"}
        assert "lightning_logs/version_0/fold1-acc_a" in logdir.runs  # add_scalars' sub-runs


def test_neither_tensorboard_nor_tensorboardx_is_needed(tmp_path: Path) -> None:
    code = f"""
import sys
sys.modules.update(tensorboard=None, tensorboardX=None)  # as if not installed
import torch, lightning as L
from trainboard.lightning import TrainboardLogger
logger = TrainboardLogger({str(tmp_path)!r})
logger.log_hyperparams({{"lr": 0.1}})
logger.log_metrics({{"loss": 1.0}}, step=1)
logger.finalize("success")
assert not [m for m, v in sys.modules.items()
            if v is not None and m.split(".")[0] in ("tensorboard", "tensorboardX")]
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=240)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_missing_lightning_names_the_extra() -> None:
    code = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "lightning":
            raise ImportError("No module named " + repr(name))
sys.meta_path.insert(0, Block())
try:
    import trainboard.lightning
except ImportError as error:
    print(type(error).__name__, error)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.startswith("MissingDependencyError")
    assert "pip install 'trainboard[lightning]'" in out.stdout
