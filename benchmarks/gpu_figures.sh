#!/usr/bin/env bash
# Rerun every GPU figure the docs quote, on one CUDA GPU, writing into OUT (default benchmarks/results/new).
# Parts (run the first six with no argument, or name some; parts other than bench and cli measure quality and
# may share the GPU, run side by side, when their times are not the figure):
#   bench      torchsiren bench, fp16 and tf32 rows (docs/performance.md)                   ~9 min
#   compare    compare image (2000 steps) and compare poisson --from gradient (10k steps)  ~5 min
#   laplacian  compare poisson --from laplacian (10k steps; the paper's Table 1)           ~10 min
#   helmholtz  three seeds of the 30k-step Helmholtz command, two at a time                ~13 min
#   quality    fit seeds; Poisson on each precision and through autograd                    ~3 min
#   pde        the helmholtz-inverse and wave runs                                           ~7 min
#   omega      the first-layer ω₀ sweep at full size (docs/results.md, Audio)              ~15 min
#   signals    bench audio and video-fit; compare audio (counting) and video               ~8 min
#   race       the 512² × 300 video: reference 3000 steps, then torchsiren at T/10, T/3   ~8 + 5 min
#   shapes     fit sdf on each bundled shape; compare sdf; the room against reference code for the same
#              wall time; mesh timings at 512/1024/2048; the blocks' bound and TF32 against the dense grid  ~15 min
#   many       bench fit-many (1024 patches batched vs one by one); fit-many on the patches; the same runs
#              under torchrun with one process; plain against fused batched sine layers   ~6 min
#   hypernet   hypernet train at the paper's sizes (20,000 steps) and its evaluation          ~5 min
#   cli        the README's commands as subprocesses, first and second run (cli_timings.py)  ~3 min
set -euo pipefail
OUT="${OUT:-benchmarks/results/new}"
mkdir -p "$OUT"
ts="python -m torchsiren.cli.main"
parts=("$@"); [ ${#parts[@]} -gt 0 ] || parts=(bench compare laplacian helmholtz quality pde)
for part in "${parts[@]}"; do case "$part" in
  bench)
    $ts bench --steps 2000 --device cuda --precision fp16 --out "$OUT/bench_fp16.json"
    $ts bench --steps 2000 --device cuda --precision tf32 --out "$OUT/bench_tf32.json" ;;
  compare)
    $ts compare image --size 256 --steps 2000 --report-steps 500,1000,2000 --precision fp32 --device cuda \
        --models siren,relu-pe,relu,tanh,softplus,fourier --out "$OUT/compare_image_256"
    $ts compare poisson --from gradient --size 256 --steps 10000 --report-steps 1000,3000,10000 --precision fp32 \
        --device cuda --out "$OUT/compare_poisson_gradient_256" ;;
  laplacian)
    $ts compare poisson --from laplacian --target-scale 1e4 --size 256 --steps 10000 --precision fp32 --device cuda \
        --out "$OUT/compare_poisson_laplacian_256" ;;
  helmholtz)
    python benchmarks/helmholtz_seeds.py --seeds 0 1 --out "$OUT/helmholtz_seeds01.json"
    python benchmarks/helmholtz_seeds.py --seeds 2 --out "$OUT/helmholtz_seed2.json" ;;
  quality)
    python benchmarks/fit_seeds.py 5 fp16 | tee "$OUT/fit_seeds_fp16.txt"
    python benchmarks/laplacian_half_check.py 2000 | tee "$OUT/poisson_laplacian_precisions.txt"
    python benchmarks/gradient_quality.py 2000 | tee "$OUT/poisson_gradient_fused_vs_autograd.txt"
    python benchmarks/gradient_quality.py 2000 --precision fp16 | tee "$OUT/poisson_gradient_precisions.txt" ;;
  pde)
    $ts helmholtz-inverse --steps 6000 --medium-warmup 2000 --lr 1e-4 --schedule cosine --precision tf32 \
        --device cuda --quiet --out "$OUT/fwi_6000"
    $ts wave --steps 13000 --curriculum-steps 8000 --pretrain-steps 500 --hidden-features 512 --lr 5e-5 \
        --schedule cosine --precision tf32 --device cuda --quiet --out "$OUT/wave_13000" ;;
  omega)
    python benchmarks/first_omega_sweep.py --device cuda --out "$OUT/first_omega_sweep.json" ;;
  signals)
    $ts bench --workload audio video-fit --steps 2000 --device cuda --precision fp16 --out "$OUT/bench_signals_fp16.json"
    $ts compare audio counting --steps 5000 --device cuda --out "$OUT/compare_audio_counting"
    $ts compare video --steps 5000 --device cuda --out "$OUT/compare_video_bundled" ;;
  race)
    python benchmarks/video_race.py --part reference --out "$OUT/video_race.json"
    python benchmarks/video_race.py --part torchsiren --out "$OUT/video_race.json" ;;
  shapes)
    for shape in sphere torus knot part room; do
      $ts fit sdf "$shape" --device cuda --quiet --out "$OUT/fit_sdf_$shape"
    done
    $ts compare sdf part --device cuda --out "$OUT/compare_sdf_part"
    python benchmarks/sdf_race.py --shape room --device cuda --steps 5000 --out "$OUT/sdf_race_room.json"
    for n in 512 1024 2048; do $ts mesh "$OUT/fit_sdf_room" --resolution "$n" --device cuda; done \
        | tee "$OUT/mesh_room_cli_gpu.txt"
    python benchmarks/mesh_marching.py --device cuda --resolution 512 1024 2048 | tee "$OUT/mesh_marching_sphere_gpu.txt"
    for shape in room part knot; do
      python benchmarks/mesh_marching.py --device cuda --run "$OUT/fit_sdf_$shape" --methods torch --resolution 512 \
          --dense 512 --lipschitz 2 1.5 1.25 --precision fp32 tf32
    done | tee "$OUT/mesh_bounds_gpu.txt" ;;
  many)
    $ts bench --workload fit-many --steps 300 --device cuda --precision fp32 --out "$OUT/bench_fit_many.json"
    $ts fit-many --device cuda --quiet --out "$OUT/fit_many_patches"
    $ts fit-many --device cuda --quiet --stop-at-target --log-every 5 --out "$OUT/fit_many_patches_to30db"
    python benchmarks/torchrun_one_process.py --device cuda --out "$OUT/torchrun_one_process.json"
    python benchmarks/batched_fused.py --device cuda --out "$OUT/batched_fused.json" ;;
  hypernet)
    $ts hypernet train --device cuda --quiet --out "$OUT/hypernet_patches" ;;
  cli)
    python benchmarks/cli_timings.py --device cuda --bytecode-cache "${TMPDIR:-/tmp}/torchsiren-bytecode" \
        --out "$OUT/cli_timings.json" ;;
  *) echo "unknown part $part" >&2; exit 2 ;;
esac; done
