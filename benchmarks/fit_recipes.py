"""Which recipe fits cameraman 128² best per second on this machine (the CPU demo's choice): width, learning rate
and steps of Adam with a cosine schedule, through torchsiren.train; PSNR after the last step and training time.
    python benchmarks/fit_recipes.py [SEED]"""
import json
import sys

import torch

import torchsiren as ts
from torchsiren.data import cameraman, resize_longer_side

RECIPES = [(256, 1e-3, 150), (128, 1e-3, 400), (192, 1e-3, 250), (256, 5e-4, 150), (128, 2e-3, 400), (256, 1e-3, 100)]

if __name__ == "__main__":
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    image = resize_longer_side(cameraman(), 128)
    for width, lr, steps in RECIPES:
        torch.manual_seed(seed)
        model = ts.Siren(2, 1, width, 3)
        result = ts.train(model, ts.ImageFitting(image), ts.TrainConfig(steps=steps, lr=lr, schedule="cosine",
                                                                         log_every=steps, seed=seed), progress=False)
        print(json.dumps({"width": width, "lr": lr, "steps": steps, "seed": seed,
                          "psnr": round(result.history[-1]["psnr"], 2), "train_s": round(result.wall_time_s, 1)}))
