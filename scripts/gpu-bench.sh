#!/usr/bin/env bash
# The native GPU benchmark (issue 5's real-GPU figures): `bayes-ruler bench` through burn's wgpu
# backend on Vulkan, next to the CPU (flex) on the same machine.
#
#   scripts/gpu-bench.sh prepare   here: build the binary with --features gpu, strip it into
#                                  .gpu-bench/, download the Vulkan loader's .debs into .gl/
#                                  (both git-ignored through .git/info/exclude)
#   scripts/gpu-bench.sh run [quick]  on the GPU machine, from the repository root, with .gl and
#                                  .gpu-bench carried: unpack the loader, print the card, run
#                                  the benchmarks; logs go to $OUT (or .gpu-bench/out)
#   (the device tool: command `scripts/gpu-bench.sh run`, carry .gl and .gpu-bench, timeout_s
#   600; every step has its own timeout, the most important first: the training epochs come
#   last and are the ones cut if the machine is slow; a full run took 129 s on an H100)
#   scripts/gpu-bench.sh local     here, on whatever Vulkan adapter there is (a check that
#                                  the path works, not a timing; Debian 12's lavapipe, Mesa
#                                  22.3, crashes compiling burn's SPIR-V kernels)
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != run ]; then
    source scripts/env.sh
    export CARGO_TARGET_DIR="$NATIVE_TARGET_DIR"
fi
bin=.gpu-bench/bayes-ruler

case "${1:-}" in
prepare)
    set -e
    cargo build -p bayes-ruler-cli --features gpu --bin bayes-ruler
    mkdir -p .gpu-bench .gl
    # Stripped and gzipped: the debug-profile binary is 85 MB stripped, over the 64 MiB that
    # travels to the GPU machine; gzipped it is 24 MB. The GPU tests (cli/tests/gpu.rs) too.
    strip -o "$bin" "$CARGO_TARGET_DIR/debug/bayes-ruler"
    tests=$(cargo test -p bayes-ruler-cli --features gpu --test gpu --no-run --message-format=json |
        python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("target", {}).get("kind") == ["test"] and m.get("executable"):
        print(m["executable"])')
    strip -o .gpu-bench/gpu-tests "$tests"
    gzip -1 -f "$bin" .gpu-bench/gpu-tests
    for path in /.gl/ /.gpu-bench/; do
        grep -qxF "$path" .git/info/exclude 2>/dev/null || echo "$path" >>.git/info/exclude
    done
    lists=/tmp/amd64-lists
    mkdir -p "$lists/partial"
    o="-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=$lists"
    apt-get $o update >/dev/null
    (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
    ls -la .gpu-bench .gl
    ;;
run)
    out="${OUT:-.gpu-bench/out}"
    mkdir -p "$out"
    # The device tool's README: the machine is bare and root; unpack the loader into /.
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
    for f in .gpu-bench/*.gz; do gunzip -f "$f" && chmod +x "${f%.gz}"; done
    icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    [ -f "$icd" ] && export VK_DRIVER_FILES="$icd"
    nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,memory.total \
        --format=csv 2>&1 | tee "$out/card.txt"
    nproc | sed 's/^/CPU hardware threads: /' | tee -a "$out/card.txt"
    # Correctness first: the GPU's heights for given draws equal the CPU's; its draws are
    # distinct and distributed as the CPU's (cli/tests/gpu.rs).
    timeout 90 .gpu-bench/gpu-tests --test-threads 1 2>&1 | tail -8 | tee "$out/gpu-tests.txt"
    # GPU: 1000 passes (the product's N), chunks up to all 1000 in one call; an 8192³ matmul
    # as the practical peak (4096³ varied 4.4–11.9 TFLOP/s between two runs on an H100).
    timeout 180 "$bin" bench --device vulkan --passes 1000 --repeats 5 \
        --chunks 32,128,512,1000 --matmul 8192 --stages 2>&1 | tee "$out/vulkan.md"
    # Scaling on the GPU: N = 10 … 10 000 in one batched call each (up to 1000 per call).
    for n in 10 100 10000; do
        timeout 60 "$bin" bench --device vulkan --passes "$n" --repeats 3 \
            --chunks "$(( n < 1000 ? n : 1000 ))" --matmul 1024 2>&1 |
            grep -E '^\| batched exact, chunks of [0-9]+ \|' | sed "s/^/N=$n /" |
            tee -a "$out/vulkan-scaling.md"
    done
    # `run quick`: the GPU's correctness and speed only.
    [ "${2:-}" = quick ] && exit 0
    # The same binary on the machine's CPU cores (burn flex).
    timeout 90 "$bin" bench --device cpu --passes 1000 --repeats 3 2>&1 | tee "$out/cpu.md"
    # The article's time-per-epoch claim (Flipout 25–50% slower than reparameterization) on a
    # GPU: one epoch of each, same seed, weights thrown away.
    for estimator in flipout reparameterization; do
        for device in vulkan cpu; do
            echo "== train, one epoch, $estimator on $device" | tee -a "$out/train.txt"
            timeout 75 "$bin" train --epochs 1 --seed 11 --estimator "$estimator" \
                --device "$device" --out "/tmp/epoch-$estimator-$device.bpk" 2>&1 |
                tr '\r' '\n' | grep -vE '^epoch +[0-9]+/[0-9]+ \[' | tail -4 | tee -a "$out/train.txt"
            cat "/tmp/epoch-$estimator-$device.json" >>"$out/train.txt" 2>/dev/null
        done
    done
    ;;
local)
    set -e
    cargo build -p bayes-ruler-cli --features gpu --bin bayes-ruler
    "$CARGO_TARGET_DIR/debug/bayes-ruler" bench --device vulkan --passes 64 --repeats 1 \
        --chunks 16,64 --matmul 256
    ;;
*)
    sed -n '2,/^set /p' "$0" | grep '^#' 
    exit 2
    ;;
esac
