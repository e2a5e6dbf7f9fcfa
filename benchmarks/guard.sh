#!/usr/bin/env bash
# CI guard for the CPU convolution. Builds target/benchmarks.jar, runs a
# short JMH benchmark of the small-crop conv shapes (forward, backward-data,
# backward-weight) beside the FMA-peak calibration, keeps the JSON in
# target/bench-guard.json, and exits non-zero when any conv result is below
# VOX_GUARD_FRACTION (default 0.25; VOX_GUARD_FRACTION_DOWN, default 0.15,
# for the 2x2x2 down-sampling) of the FMA peak measured just before the same
# iteration (see PeakProbe). A ratio, so a slow or busy machine does not
# fail it; the direct loop these kernels replaced (6 to 20% of peak on one
# thread) or anything slower does. See benchmarks/README.md for the figures.
# About two minutes on 2 cores. MVN_ARGS passes extra flags to Maven (-o).
set -euo pipefail
cd "$(dirname "$0")/.."

fraction="${VOX_GUARD_FRACTION:-0.25}"
fraction_down="${VOX_GUARD_FRACTION_DOWN:-0.15}"
shapes="L2_3x3x3_SMALL,L3_3x3x3_SMALL,L3_1x1x7_SMALL,DOWN_2x2x2_SMALL"

mvn -q -B ${MVN_ARGS:-} -Pbench package -DskipTests
java -jar target/benchmarks.jar 'ConvBench' -p shape="$shapes" \
    -wi 2 -w 1 -i 3 -r 1 -f 1 \
    -rf json -rff target/bench-guard.json \
    --guard "$fraction" --guard-for "DOWN=$fraction_down"
