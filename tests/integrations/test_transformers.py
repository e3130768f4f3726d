"""trainboard.transformers.TrainboardCallback with a real Hugging Face Trainer (CPU).

The model is a one-layer GPT-2 built from a config, the data random tokens: nothing is
downloaded. Needs ``transformers`` and ``accelerate`` (the dev extra); skipped with the
reason where they are not installed.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("transformers", reason="needs transformers: pip install "
                    "'trainboard[transformers]'")
pytest.importorskip("accelerate", reason="the Trainer needs accelerate: pip install accelerate")
torch = pytest.importorskip("torch")

from torch.utils.data import Dataset  # noqa: E402
from transformers import GPT2Config, GPT2LMHeadModel, Trainer, TrainingArguments  # noqa: E402

import trainboard  # noqa: E402
from trainboard.data.logdir import LogdirProvider  # noqa: E402
from trainboard.server.routes.hparams import hparams_impl  # noqa: E402
from trainboard.transformers import TrainboardCallback  # noqa: E402

pytestmark = [pytest.mark.torch, pytest.mark.timeout(300)]


class RandomTokens(Dataset[dict[str, Any]]):
    def __init__(self, count: int, seed: int) -> None:
        generator = torch.Generator().manual_seed(seed)
        self.ids = torch.randint(0, 64, (count, 16), generator=generator)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return {"input_ids": self.ids[index], "labels": self.ids[index]}


def _trainer(output_dir: Path, callback: TrainboardCallback) -> Trainer:
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=64, n_positions=16, n_embd=16, n_layer=1, n_head=2,
                        bos_token_id=0, eos_token_id=0)
    args = TrainingArguments(
        output_dir=str(output_dir),
        max_steps=6,
        per_device_train_batch_size=4,
        per_device_eval_batch_size=8,
        learning_rate=1e-3,
        logging_steps=2,
        eval_strategy="steps",
        eval_steps=3,
        save_strategy="no",
        report_to="none",
        use_cpu=True,
        disable_tqdm=True,
    )
    return Trainer(
        model=GPT2LMHeadModel(config), args=args, train_dataset=RandomTokens(32, 1),
        eval_dataset=RandomTokens(16, 2), callbacks=[callback],
    )


def _event_dirs(root: Path) -> list[str]:
    files = glob.glob(str(root / "**" / "*tfevents*"), recursive=True)
    return sorted({os.path.relpath(os.path.dirname(f), root) for f in files})


def test_train_then_evaluate_log_to_one_run(tmp_path: Path) -> None:
    callback = TrainboardCallback()
    trainer = _trainer(tmp_path / "out", callback)
    trainer.train()
    trainer.evaluate()  # after train(): TensorBoardCallback would open another writer here
    assert callback.writer is not None
    callback.writer.flush()

    (run,) = _event_dirs(tmp_path)  # one run, where TensorBoardCallback puts it by default
    assert run.startswith(os.path.join("out", "runs") + os.sep)
    with trainboard.open(tmp_path, use_cache=False) as logdir:
        assert logdir.runs == [run]
        tags = set(logdir.tags(run, "scalars"))
        assert {"train/loss", "train/learning_rate", "train/grad_norm", "eval/loss",
                "eval/runtime", "train/train_runtime"} <= tags
        assert list(logdir.scalars(run, "train/loss").steps) == [2, 4, 6]
        # eval at steps 3 and 6 during training, then evaluate() at the final step
        assert list(logdir.scalars(run, "eval/loss").steps) == [3, 6, 6]
        texts = set(logdir.tags(run, "text"))
        assert {"args/text_summary", "model_config/text_summary"} <= texts  # torch's tags
        config_text = str(logdir.text(run, "model_config/text_summary").texts[0].item())
        assert config_text.startswith("```json\n")
        config = json.loads(config_text.removeprefix("```json\n").removesuffix("\n```"))
        assert (config["n_layer"], config["n_embd"], config["model_type"]) == (1, 16, "gpt2")
        hparams = logdir.hparams(run)
        assert hparams["learning_rate"] == 1e-3
        assert hparams["max_steps"] == 6.0
        assert hparams["report_to"] == "[]"

    provider = LogdirProvider(tmp_path, use_cache=False)
    try:
        provider.reload()
        answer = hparams_impl(provider)
    finally:
        provider.close()
    (session,) = answer["sessions"]
    assert session["run"] == run and session["status"] == "success"
    metrics = [m["tag"] for m in answer["metrics"]]
    assert {"train/loss", "eval/loss"} <= set(metrics)
    eval_loss = dict(zip(metrics, session["metrics"], strict=True))["eval/loss"]
    assert eval_loss is not None and eval_loss["step"] == 6


def test_a_given_writer_is_used_and_left_open(tmp_path: Path) -> None:
    writer = trainboard.SummaryWriter(tmp_path / "mine")
    callback = TrainboardCallback(writer=writer)
    trainer = _trainer(tmp_path / "out", callback)
    trainer.train()
    trainer.evaluate()
    writer.add_scalar("after", 1.0, 0)  # still open
    writer.close()
    assert _event_dirs(tmp_path) == ["mine"]
    with trainboard.open(tmp_path / "mine", use_cache=False) as logdir:
        assert {"train/loss", "eval/loss", "after"} <= set(logdir.tags(".", "scalars"))


def test_log_dir_is_used_and_close_closes(tmp_path: Path) -> None:
    callback = TrainboardCallback(tmp_path / "run")
    trainer = _trainer(tmp_path / "out", callback)
    trainer.train()
    callback.close()
    assert _event_dirs(tmp_path) == ["run"]


def test_neither_tensorboard_nor_tensorboardx_is_imported(tmp_path: Path) -> None:
    code = f"""
import sys
sys.modules.update(tensorboard=None, tensorboardX=None)  # as if not installed
sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
from pathlib import Path
from tests.integrations.test_transformers import _trainer
from trainboard.transformers import TrainboardCallback
trainer = _trainer(Path({str(tmp_path)!r}), TrainboardCallback())
trainer.train()
trainer.evaluate()
assert not [m for m, v in sys.modules.items()
            if v is not None and m.split(".")[0] in ("tensorboard", "tensorboardX")]
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().endswith("ok")


def test_missing_transformers_names_the_extra() -> None:
    code = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "transformers":
            raise ImportError("No module named " + repr(name))
sys.meta_path.insert(0, Block())
try:
    import trainboard.transformers
except ImportError as error:
    print(type(error).__name__, error)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.startswith("MissingDependencyError")
    assert "pip install 'trainboard[transformers]'" in out.stdout
