#!/usr/bin/env bash
# Builds bundle/: everything scripts/gpu-check.sh needs on a GPU machine
# that has no JDK and no package registry:
#   bundle/jre/                 a jlinked Java runtime (about 40 MB)
#   bundle/vox-all.jar          the shaded jar (with the fatbin and JCuda natives)
#   bundle/test-classes/        the compiled tests (conformance, CudaConvBench)
#   bundle/junit-console.jar    JUnit Platform Console Standalone
#   bundle/gpu-check.sh, bundle/torch_conv_bench.py
# Run it where nvcc is on the PATH, so that the jar holds the fatbin.
#
# usage: scripts/device-bundle.sh [OUT_DIR]   (default: bundle)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bundle}
junit_console=org.junit.platform:junit-platform-console-standalone:1.11.4

command -v nvcc >/dev/null 2>&1 || echo "device-bundle: warning: nvcc is not on the PATH;" \
    "the jar will hold no CUDA kernels and gpu-check.sh will fail"
mvn -q -B package -DskipTests
mvn -q -B test-compile
[ -f target/classes/vox/cuda/vox_kernels.fatbin ] || echo "device-bundle: warning: no fatbin"

rm -rf "$out"
mkdir -p "$out"
# JRE modules: what `jdeps --print-module-deps` lists for vox-all.jar and the
# JUnit console jar (java.compiler is picocli's annotation processor: not needed).
modules=java.base,java.logging,java.management,java.sql,jdk.incubator.vector,jdk.unsupported
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --strip-native-debug-symbols=exclude-debuginfo-files --compress=2 \
    --output "$out/jre"
cp target/vox-all.jar "$out/"
cp -r target/test-classes "$out/test-classes"
mvn -q -B dependency:copy -Dartifact="$junit_console" -DoutputDirectory="$out" \
    -Dmdep.stripVersion=true
mv "$out/junit-platform-console-standalone.jar" "$out/junit-console.jar"
cp scripts/gpu-check.sh scripts/torch_conv_bench.py "$out/"
chmod +x "$out/gpu-check.sh"
echo "device-bundle: $(du -sh "$out" | cut -f1) in $out"
