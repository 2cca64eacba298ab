#!/usr/bin/env bash
# Session 6: the fp16 stack's profile and quality sweep (gradient scale exponent, z in fp16 or float32).
. benchmarks/device_env.sh
mkdir -p "$OUT"
cd benchmarks && python3 fp16_profile.py 2>&1 | tee "$OUT/fp16_profile.txt" | tail -60
