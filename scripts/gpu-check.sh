#!/usr/bin/env bash
# The GPU check, run from the folder that scripts/device-bundle.sh made,
# on a machine with an NVIDIA GPU and its driver (no JDK needed):
#   1. the backend conformance suite on CUDA (VOX_REQUIRE_CUDA=1: fails, not skips)
#   2. a short training of the phantom cascade (vox train --device cuda --steps 100)
#   3. conv benchmarks on CUDA, and `vox bench --device cuda` if the jar has it
#   4. where PyTorch is installed, the same convolutions through cuDNN
# and prints the benchmark table last. Each step has its own time limit so
# the whole check stays under 5 minutes.
#
# usage: ./gpu-check.sh            (from the bundle folder, or give it as $1)
set -uo pipefail
b=$(cd "${1:-$(dirname "$0")}" && pwd)
java="$b/jre/bin/java"
jopts=(--add-modules jdk.incubator.vector -Xmx16g)
cp="$b/vox-all.jar:$b/test-classes"
export VOX_REQUIRE_CUDA=1
status=0
log=$(mktemp -d)

step() { echo; echo "==== $*"; }

step "device"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 | head -3
"$java" -version 2>&1 | head -1

step "1. conformance suite on cuda"
timeout 150 "$java" "${jopts[@]}" -Dvox.test.backends=cuda -jar "$b/junit-console.jar" \
    execute --class-path "$cp" --select-class vox.backend.BackendConformanceTest \
    --select-class vox.backend.cuda.CudaBackendProviderTest \
    --details=summary --disable-banner 2>&1 | tail -40
rc=${PIPESTATUS[0]}
echo "conformance exit status: $rc"
[ "$rc" = 0 ] || status=1

step "2. vox train --device cuda --steps 100"
if "$java" "${jopts[@]}" -cp "$cp" vox.cli.Main --help >/dev/null 2>&1; then
    timeout 90 "$java" "${jopts[@]}" -jar "$b/vox-all.jar" train --device cuda --steps 100 \
        2>&1 | tail -25
    rc=${PIPESTATUS[0]}
    echo "train exit status: $rc"
    [ "$rc" = 0 ] || status=1
else
    echo "skipped: this jar has no vox.cli.Main"
fi

step "3. benchmarks"
if "$java" "${jopts[@]}" -jar "$b/vox-all.jar" bench --help >/dev/null 2>&1; then
    timeout 60 "$java" "${jopts[@]}" -jar "$b/vox-all.jar" bench --device cuda 2>&1 | tail -30
fi
timeout 60 "$java" "${jopts[@]}" -cp "$cp" vox.backend.cuda.CudaConvBench \
    > "$log/vox.tsv" 2>&1
rc=$?
[ "$rc" = 0 ] || { status=1; cat "$log/vox.tsv"; }

step "4. PyTorch (cuDNN) on the same convolutions"
if command -v python3 >/dev/null && python3 -c "import torch; assert torch.cuda.is_available()" \
        2>/dev/null; then
    timeout 60 python3 "$b/torch_conv_bench.py" "$log/vox.tsv" > "$log/table.txt" 2>&1 \
        || cat "$log/table.txt"
else
    echo "no PyTorch with CUDA here; vox figures only"
    cp "$log/vox.tsv" "$log/table.txt"
fi

step "table (FP32; peak = SMs x 128 x 2 x clock)"
column -t -s $'\t' "$log/table.txt" 2>/dev/null || cat "$log/table.txt"
echo
echo "gpu-check: $([ $status = 0 ] && echo PASSED || echo FAILED)"
exit $status
