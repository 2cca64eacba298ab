"""A first layer (fan-in 2 or 3, width 256) and the hidden layers' sine pass: the kernels as the package runs them
against their earlier forms (the FMA branch of the 2-D tiled _sine_linear_kernel; libdevice's precise sin / cos
instead of the reduced sin.approx / cos.approx), float32 and fp16 outputs, with and without y'. Microseconds
(triton do_bench); every variant checked against the float64 result.
The recorded output (results/session6/first_layer_ab.txt) came from commit d331edd, where the tiled form was still
reachable through linear.FIRST_LAYER_ROWS; once measured, that switch and the tiled FMA branch were removed, so
this script now times the rows kernel with and without the approximate sine."""
import json

import torch
from triton.testing import do_bench

from torchsiren.kernels import linear

dev = torch.device("cuda")
out = {"device": torch.cuda.get_device_name()}
for m, k in ((65536, 2), (2 ** 21, 3)):
    x = torch.rand(m, k, device=dev) * 2 - 1
    w, b = torch.rand(256, k, device=dev) - 0.5, torch.rand(256, device=dev) - 0.5
    want = torch.sin(30 * (x.double() @ w.double().T + b.double()))
    for dtype in (torch.float32, torch.float16):
        for store_d in (True, False):
            for rows, fast in ((True, False), (True, True)):
                if fast and dtype == torch.float32:
                    continue  # float32 outputs never take the approximate sine
                linear.FAST_SINCOS = fast
                fn = lambda: linear._fused(x, w, b, 30.0, store_d, dtype=dtype)  # noqa: E731
                err = (fn()[0].double() - want).abs().max().item()
                name = f"{m}x{k} {str(dtype)[6:]} d={store_d} {'rows' if rows else 'tiled'}{' fast' if fast else ''}"
                out[name] = {"us": round(do_bench(fn) * 1e3, 1), "max_abs_err": float(f"{err:.3g}")}
    z = (torch.rand(m, 256, device=dev) * 2 - 1) * 1.5
    for fast in (False, True):
        linear.FAST_SINCOS = fast
        fn = lambda: linear.sine_epilogue(z, b, 30.0, True, torch.float16)  # noqa: E731
        err = (fn()[0].double() - torch.sin(30 * (z.double() + b.double()))).abs().max().item()
        out[f"sine pass {m}x256 fp16 d=True{' fast' if fast else ''}"] = {"us": round(do_bench(fn) * 1e3, 1),
                                                                          "max_abs_err": float(f"{err:.3g}")}
linear.FAST_SINCOS = True
print(json.dumps(out, indent=1))
