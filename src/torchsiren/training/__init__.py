"""The one loop: progress, checkpoints (atomic, safetensors), resume, NaN guard; Adam in one launch on CUDA."""
from .adam import Adam
from .checkpoint import load_checkpoint, load_model, save_checkpoint, save_model
from .config import PRECISIONS, SCHEDULES, TrainConfig
from .run_dir import RunDir, write_json
from .trainer import TrainResult, train

__all__ = ["Adam", "load_checkpoint", "load_model", "save_checkpoint", "save_model", "PRECISIONS", "SCHEDULES",
           "TrainConfig", "RunDir", "write_json", "TrainResult", "train"]
