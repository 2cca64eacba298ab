"""Kernel-level timings on the GPU: each tile config of the fused sine layer against cuBLAS (+ torch's sine),
int32 vs int64 addressing, and the forward-mode sine pass against its memory floor."""
import torch
import triton

from torchsiren.bench.workloads import median_ms
import torchsiren.kernels.linear as sl
from torchsiren.kernels.jet import _jet_fwd

dev = torch.device("cuda")
torch.set_float32_matmul_precision("high")
m = 65536
for k in (2, 256):
    n = 256
    x, w, b = torch.rand(m, k, device=dev), torch.randn(n, k, device=dev) / 16, torch.randn(n, device=dev)
    y, d = torch.empty(m, n, device=dev), torch.empty(m, n, device=dev)
    mb = (m * k + 2 * m * n) * 4 / 1e6
    print(f"--- {m}x{k} -> {n}: floor (read x, write y and cos) {mb:.0f} MB")
    t = median_ms(lambda: torch.addmm(b, x, w.T), dev, 5, 20)
    print(f"cuBLAS addmm alone {t*1000:.1f} us")
    t = median_ms(lambda: (torch.sin(30 * torch.addmm(b, x, w.T)), torch.cos(30 * torch.addmm(b, x, w.T))), dev, 5, 20)
    print(f"torch addmm+sin, addmm+cos {t*1000:.1f} us")
    for cfg in sl._CONFIGS:
        for wide in (False, True):
            meta = dict(cfg.kwargs)
            grid = (triton.cdiv(m, meta["BLOCK_M"]), triton.cdiv(n, meta["BLOCK_N"]))
            def run():
                sl._sine_linear_kernel[grid](x, w, b, y, d, m, n, k, x.stride(0), x.stride(1), w.stride(0), w.stride(1),
                                             30.0, HAS_BIAS=True, STORE_D=True, FMA=k < 16, PRECISION="tf32", WIDE=wide,
                                             num_warps=cfg.num_warps, num_stages=cfg.num_stages, **meta)
            try:
                t = median_ms(run, dev, 3, 20)
                print(f"fused {meta} w{cfg.num_warps} s{cfg.num_stages} wide={wide}: {t*1000:.1f} us "
                      f"({mb / t:.0f} GB/s)")
            except Exception as e:  # out of shared memory etc.
                print(f"fused {meta}: failed {type(e).__name__}")
    t = median_ms(lambda: sl._split(x, w, b, 30.0, True), dev, 3, 20)
    print(f"split form (cuBLAS + Triton sine/cosine pass): {t*1000:.1f} us")
    t = median_ms(lambda: sl._launch(x, w, b, 30.0, True), dev, 3, 20)
    print(f"chosen form {sl._CHOICE}: {t*1000:.1f} us")
z = torch.randn(m, 4, 256, device=dev)
h, bb = torch.empty_like(z), torch.randn(256, device=dev)
for br, bf, nw in ((32, 128, 4), (16, 256, 4), (64, 64, 4), (32, 256, 8), (8, 256, 2)):
    grid = (triton.cdiv(m, br), triton.cdiv(256, bf))
    t = median_ms(lambda: _jet_fwd[grid](z, bb, h, m, 256, D=2, SECOND=1, P=4, BLOCK_R=br, BLOCK_F=bf, num_warps=nw),
                  dev, 3, 20)
    print(f"jet fwd P=4 R{br} F{bf} w{nw}: {t*1000:.1f} us ({2 * z.numel() * 4 / 1e6 / t:.0f} GB/s)")
