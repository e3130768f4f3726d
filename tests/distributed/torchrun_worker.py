"""One rank of the torchrun test (tests/distributed/test_torchrun.py): logs scalars.

Run as ``python -m torch.distributed.run --nproc_per_node 4 torchrun_worker.py <log_dir>``.
Each rank initialises a gloo process group, logs ``loss`` (``loss_value(rank, step)``)
with a ``SummaryWriter`` that picks its rank up by itself, and the mean of the ranks'
losses as torch's ``all_reduce`` computes it (``loss/all_reduce_mean``).
"""

from __future__ import annotations

import sys

STEPS = 25


def loss_value(rank: int, step: int) -> float:
    """Rank ``rank``'s loss at ``step``: ranks differ, so the band across them is wide."""
    return 1.0 / (step + 1) + 0.25 * rank + 0.01 * ((step * (rank + 3)) % 7)


def main(log_dir: str) -> None:
    import torch
    import torch.distributed as dist

    from trainboard import SummaryWriter

    dist.init_process_group("gloo")
    try:
        rank, world = dist.get_rank(), dist.get_world_size()
        with SummaryWriter(log_dir, capture_environment=False) as writer:
            assert writer.rank == rank, (writer.rank, rank)
            for step in range(STEPS):
                loss = loss_value(rank, step)
                writer.add_scalar("loss", loss, step)
                total = torch.tensor([loss], dtype=torch.float64)
                dist.all_reduce(total)
                writer.add_scalar("loss/all_reduce_mean", float(total[0]) / world, step)
        dist.barrier()
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1])
