"""Running under torchrun: the process's rank and the world's size, and the process group (NCCL on GPUs, gloo
on CPUs), and what a data-parallel problem takes of each step's work."""
from __future__ import annotations

import os

import torch


def world() -> tuple[int, int]:
    """(rank, world size) as torchrun sets them; (0, 1) when run plainly."""
    return int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))


def start(device: torch.device) -> torch.device:
    """Join the process group; on GPUs each process takes the card of its local rank. Returns its device."""
    import torch.distributed as dist
    if device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
        torch.cuda.set_device(device)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return device


def data_shard() -> tuple[int, int]:
    """(rank, size) of the process group when one is running with more than one process, else (0, 1): what a
    data-parallel problem splits each batch by, and when the trainer wraps the model in DDP."""
    import torch.distributed as dist
    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def share(count: int, rank: int, size: int) -> list[int]:
    """The signals process `rank` of `size` fits: every size-th one from its rank (as DistributedSampler
    without shuffling or padding)."""
    return list(range(rank, count, size))


def finish() -> None:
    import torch.distributed as dist
    if dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
