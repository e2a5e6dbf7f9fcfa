#!/usr/bin/env python3
"""Times the convolutions of a CudaConvBench table through PyTorch (cuDNN,
FP32, TF32 off, channels-last) and prints the table with a torch column and
the ratio vox / torch time. usage: torch_conv_bench.py VOX_TABLE.tsv"""
import sys
import torch
import torch.nn.functional as F

torch.backends.cudnn.allow_tf32 = False
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.benchmark = True


def timed(fn, reps=20):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(reps):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / reps


def torch_ms(kernel, spec):
    n, c, d, h, w, k, kd, kh, kw, s, pd, ph, pw = spec
    cl = torch.channels_last_3d
    x = torch.randn(n, c, d, h, w, device="cuda").to(memory_format=cl)
    wt = torch.randn(k, c, kd, kh, kw, device="cuda").to(memory_format=cl)
    x.requires_grad_(kernel == "conv3d_backward_data")
    wt.requires_grad_(kernel == "conv3d_backward_weight")
    conv = lambda: F.conv3d(x, wt, stride=s, padding=(pd, ph, pw))
    if kernel == "conv3d_forward":
        with torch.no_grad():
            return timed(conv)
    y = conv()
    dy = torch.randn_like(y)
    target = x if kernel == "conv3d_backward_data" else wt
    return timed(lambda: torch.autograd.grad(y, target, dy, retain_graph=True))


def main():
    lines = open(sys.argv[1]).read().splitlines()
    out = []
    for line in lines:
        cols = line.split("\t")
        if len(cols) == 6 and cols[0] == "kernel":
            out.append("\t".join(cols + ["torch ms", "vox/torch time"]))
        elif len(cols) == 6 and cols[0].startswith("conv3d"):
            spec = [int(v) for v in cols[1].split(",")]
            t = torch_ms(cols[0], spec)
            out.append("\t".join(cols + ["%.3f" % t, "%.2f" % (float(cols[3]) / t)]))
        else:
            out.append(line)
    print("torch", torch.__version__, "cudnn", torch.backends.cudnn.version())
    print("\n".join(out))


if __name__ == "__main__":
    main()
