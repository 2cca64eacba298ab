"""Does image preprocessing explain the 500-step PSNR gap to the reference-style code? Fit cameraman 256² with
the current resize (scikit-image, anti-aliased cubic, float) and with the authors' (PIL bilinear, 8-bit)."""
import numpy as np
import torch
from PIL import Image
from skimage import data

from torchsiren import ImageFitting, Siren, TrainConfig, train
from torchsiren.data import resize_longer_side, to_float

device = "cuda" if torch.cuda.is_available() else "cpu"
ours = resize_longer_side(to_float(data.camera()), 256)
pil = to_float(np.asarray(Image.fromarray(data.camera()).resize((256, 256), Image.BILINEAR)))
for name, img in (("skimage float", ours), ("PIL bilinear uint8", pil)):
    values = []
    for seed in range(3):
        torch.manual_seed(seed)
        model = Siren(2, 1).to(device)
        result = train(model, ImageFitting(img, device=device), TrainConfig(steps=500, log_every=500, seed=seed,
                                                                                    precision="fp32"),
                       progress=False)
        values.append(result.last["psnr"])
    print(f"{name:20s} PSNR@500 " + " ".join(f"{v:.2f}" for v in values) + f"  mean {np.mean(values):.2f}")
