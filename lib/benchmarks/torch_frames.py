#!/usr/bin/env python3
"""Issue 15's PyTorch reference for a whole frame of the released method (release_torch.py's transcription):

  psv      plane sweep of the two source frames (6 channels; the backgrounds' PSV and the background MPI are
           computed ONCE per mode and cached, as a user rendering a video from static cameras would)
  mpinet   MPINet3d on the frames' PSV -> dynamic MPI (rgb = sum_v w_v PSV_v)
  masknet  MaskNet3d on the 12-channel [frames, backgrounds] PSV
  blend    full = fg M + bg (1 - M), all four channels
  render   the blended MPI warped to one novel view and over-composited

  python3 torch_frames.py [--sizes 360x640,1080x1920 | --height 360 --width 640] [--planes 32] [--iters 20]
                          [--modes fp32,tf32,...] [--budget-s 480] [--compile-timeout-s 300]

Random weights (PyTorch's default initialisation), random frames. Per stage times with CUDA events (median over
--iters after --warmup), the whole frame's time (first to last event of the frame), and peak memory
(torch.cuda.max_memory_allocated, reset per mode; includes the cached background work). One JSON line per mode
and size on stdout:
  {"impl":"torch","mode":..,"H":..,"W":..,"D":..,"stages_ms":{"psv":..,"mpinet":..,"masknet":..,"blend":..,
   "render":..},"frame_ms":..,"peak_gib":..,"card":..,"torch":..,"status":"ok"|"skipped"|"failed"|"oom"|"timeout",..}
Modes:
  fp32              float32, TF32 off (matmul and cuDNN)
  tf32              TF32 on for matmul and cuDNN convolutions
  bf16              bfloat16 autocast around the two networks only (the plane sweep's and the renderer's coordinate
                    maths stay float32: bf16 matmuls would move sample positions by pixels)
  cl3d              channels_last_3d networks and inputs, float32
  cl3d_bf16         channels_last_3d + bf16 autocast
  cudnn_bench       fp32 with torch.backends.cudnn.benchmark = True
  bf16_cudnn_bench  bf16 autocast with cudnn.benchmark = True
  compile_fp32      torch.compile of every stage, float32 (run in a child process with a timeout)
  compile_bf16      torch.compile of every stage, bf16 autocast around the networks (child process, timeout)
--check compares the staged frame (fp32) with release_torch.released_forward and prints one line.
Eager modes for every size run first, the compile modes last. --budget-s: no mode starts after that many seconds,
and a compile child is killed at the budget. CUDA-only modes print a "skipped" line on a machine without CUDA.
"""
import argparse
import contextlib
import gc
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import release_torch as rt  # noqa: E402

EAGER = ['fp32', 'tf32', 'bf16', 'cl3d', 'cl3d_bf16', 'cudnn_bench', 'bf16_cudnn_bench']
COMPILE = ['compile_fp32', 'compile_bf16']
CUDA_ONLY = {'tf32', 'cudnn_bench', 'bf16_cudnn_bench', 'compile_fp32', 'compile_bf16'}
STAGES = ['psv', 'mpinet', 'masknet', 'blend', 'render']


def card_name(dev):
    return torch.cuda.get_device_name(0) if dev.type == 'cuda' else 'cpu'


def emit(rec):
    print(json.dumps(rec), flush=True)


def is_oom(e):
    oom = getattr(torch.cuda, 'OutOfMemoryError', None)
    return (oom is not None and isinstance(e, oom)) or 'out of memory' in str(e).lower()


def make_inputs(H, W, D, dev):
    g = torch.Generator().manual_seed(0)
    frames = torch.rand(2, 3, H, W, generator=g).to(dev)
    bgs = torch.rand(2, 3, H, W, generator=g).to(dev)
    f = 0.8 * W
    K = torch.tensor([[f, 0, W / 2], [0, f, H / 2], [0, 0, 1]])
    Ks = torch.stack([K, K]).to(dev)
    Es = torch.eye(4).repeat(2, 1, 1)
    Es[0, 0, 3], Es[1, 0, 3] = 0.06, -0.06        # two cameras 12 cm apart, source 0 is the reference
    T = torch.eye(4)
    T[0, 3], T[1, 3] = -0.1, 0.02                   # the novel view, relative to the reference
    return {'frames': frames, 'bgs': bgs, 'Ks': Ks, 'Es': Es.to(dev), 'K_tgt': K.to(dev),
            'T': (T @ torch.inverse(Es[0])).to(dev), 'depths': rt.depths_from_bd(1.0, 8.0, dev, planes=D)}


class Frame:
    """The per-frame stages as separate callables (so each can be timed, and compiled, on its own)."""

    def __init__(self, inp, mpi_net, mask_net, bf16, channels_last, dev):
        self.inp, self.mpi_net, self.mask_net = inp, mpi_net, mask_net
        self.bf16, self.cl = bf16, channels_last
        self.dev = dev
        self.psv_fn, self.mpinet_fn, self.masknet_fn = self.psv, self.mpinet, self.masknet
        self.blend_fn, self.render_fn = self.blend, self.render

    def amp(self):
        if not self.bf16:
            return contextlib.nullcontext()
        return torch.autocast(self.dev.type, dtype=torch.bfloat16)

    def fmt(self, x):
        return x.contiguous(memory_format=torch.channels_last_3d) if self.cl else x

    def psv(self, images):
        i = self.inp
        return rt.plane_sweep([(images[0], 0), (images[1], 1)], i['Ks'], i['Es'], i['depths'])[None]

    def mpinet(self, psv6):
        with self.amp():
            out = self.mpi_net(self.fmt(psv6))
        return rt.mpi_from_output(psv6, out.float())[0]

    def masknet(self, psv6, bg_psv6):
        with self.amp():
            m = self.mask_net(self.fmt(torch.cat([psv6, bg_psv6], 1)))
        return m.float()[0, 0]

    def blend(self, fg, bg, mask):
        m = mask[..., None]
        return fg * m + bg * (1 - m)

    def render(self, full):
        i = self.inp
        Hm = rt.plane_homographies(i['Ks'][0], i['K_tgt'], i['T'], i['depths'])
        rgb, _ = rt.over_composite(rt.warp_planes(full, Hm))
        return rgb

    def compile(self):
        self.psv_fn, self.mpinet_fn, self.masknet_fn = (torch.compile(self.psv), torch.compile(self.mpinet),
                                                        torch.compile(self.masknet))
        self.blend_fn, self.render_fn = torch.compile(self.blend), torch.compile(self.render)

    def cache_background(self):
        bg_psv = self.psv_fn(self.inp['bgs'])
        self.bg_psv, self.bg_mpi = bg_psv, self.mpinet_fn(bg_psv)

    def run(self, marks):
        """One frame; marks(i) is called before stage i and after the last one."""
        marks(0)
        psv = self.psv_fn(self.inp['frames'])
        marks(1)
        fg = self.mpinet_fn(psv)
        marks(2)
        mask = self.masknet_fn(psv, self.bg_psv)
        marks(3)
        full = self.blend_fn(fg, self.bg_mpi, mask)
        marks(4)
        rgb = self.render_fn(full)
        marks(5)
        return rgb


def set_flags(mode):
    tf32 = mode == 'tf32'
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cudnn.benchmark = 'cudnn_bench' in mode
    torch.backends.cudnn.deterministic = False


def bench_mode(mode, H, W, D, iters, warmup, dev):
    base = {'impl': 'torch', 'mode': mode, 'H': H, 'W': W, 'D': D, 'card': card_name(dev), 'torch': torch.__version__,
            'device': dev.type}
    if mode in CUDA_ONLY and dev.type != 'cuda':
        return dict(base, status='skipped', reason='needs CUDA (none on this machine)')
    if mode.startswith('compile') and not hasattr(torch, 'compile'):
        return dict(base, status='skipped', reason='torch.compile absent in torch ' + torch.__version__)
    set_flags(mode)
    gc.collect()
    if dev.type == 'cuda':
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    t_start = time.time()
    try:
        torch.manual_seed(0)
        mpi_net, mask_net = rt.MPINet3d().to(dev).eval(), rt.MaskNet3d().to(dev).eval()
        cl = mode.startswith('cl3d')
        if cl:
            mpi_net = mpi_net.to(memory_format=torch.channels_last_3d)
            mask_net = mask_net.to(memory_format=torch.channels_last_3d)
        fr = Frame(make_inputs(H, W, D, dev), mpi_net, mask_net, 'bf16' in mode, cl, dev)
        if mode.startswith('compile'):
            fr.compile()
        times = []
        with torch.no_grad():
            fr.cache_background()
            for it in range(warmup + iters):
                if dev.type == 'cuda':
                    ev = [torch.cuda.Event(enable_timing=True) for _ in range(6)]
                    fr.run(lambda i: ev[i].record())
                    torch.cuda.synchronize()
                    t = [ev[i].elapsed_time(ev[i + 1]) for i in range(5)] + [ev[0].elapsed_time(ev[5])]
                else:
                    stamps = [0.0] * 6

                    def mark(i):
                        stamps[i] = time.perf_counter()
                    fr.run(mark)
                    t = [(stamps[i + 1] - stamps[i]) * 1e3 for i in range(5)] + [(stamps[5] - stamps[0]) * 1e3]
                if it == 0:
                    first_s = time.time() - t_start
                if it >= warmup:
                    times.append(t)
        a = np.array(times)
        rec = dict(base, status='ok', iters=iters, warmup=warmup,
                   stages_ms={s: float(np.median(a[:, i])) for i, s in enumerate(STAGES)},
                   frame_ms=float(np.median(a[:, 5])), frame_ms_min=float(a[:, 5].min()),
                   first_frame_s=round(first_s, 2),
                   peak_gib=(torch.cuda.max_memory_allocated() / 2 ** 30) if dev.type == 'cuda' else None)
    except Exception as e:  # report and go on: OOM at 1080p, compile failures
        rec = dict(base, status='oom' if is_oom(e) else 'failed', reason=(type(e).__name__ + ': ' + str(e))[:600])
    finally:
        fr = mpi_net = mask_net = None
        gc.collect()
        if dev.type == 'cuda':
            torch.cuda.empty_cache()
    return rec


def check(H, W, D, dev):
    """The staged frame (background cached, networks run separately) against release_torch.released_forward (the
    released RenderNet's order: both MPIs in one batch, then [full, fg M] rendered) on the same inputs and weights."""
    set_flags('fp32')
    torch.manual_seed(0)
    mpi_net, mask_net = rt.MPINet3d().to(dev).eval(), rt.MaskNet3d().to(dev).eval()
    inp = make_inputs(H, W, D, dev)
    fr = Frame(inp, mpi_net, mask_net, False, False, dev)
    with torch.no_grad():
        fr.cache_background()
        rgb = fr.run(lambda i: None).permute(2, 0, 1).cpu().numpy()
    c = lambda t: t.cpu().numpy()
    ref = rt.released_forward(mpi_net, mask_net, {
        'src_rgb': c(inp['frames'])[None, :, None], 'src_bg': c(inp['bgs'])[None], 'src_w2c': c(inp['Es']),
        'src_K': c(inp['Ks']), 'tgt_w2c': c(inp['T'] @ inp['Es'][0]), 'tgt_K': c(inp['K_tgt']),
        'bd': np.array([1.0, 8.0], np.float32)}, dev.type) if D == rt.D_PLANES else None
    if ref is None:
        return {'check': 'skipped', 'reason': 'released_forward has D = %d planes' % rt.D_PLANES}
    err = float(np.abs(rgb - ref['rgb']).max())
    return {'check': 'passed' if err < 1e-5 else 'FAILED', 'rgb_max_abs': err, 'H': H, 'W': W, 'device': dev.type}


def run_child(mode, H, W, a, timeout_s, dev):
    """A compile mode in a child process, killed after timeout_s."""
    cmd = [sys.executable, os.path.abspath(__file__), '--sizes', '%dx%d' % (H, W), '--planes', str(a.planes),
           '--iters', str(a.iters), '--warmup', str(a.warmup), '--modes', mode, '--in-process']
    if a.cpu:
        cmd.append('--cpu')
    base = {'impl': 'torch', 'mode': mode, 'H': H, 'W': W, 'D': a.planes, 'card': card_name(dev),
            'torch': torch.__version__, 'device': dev.type}
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout_s,
                           universal_newlines=True)
    except subprocess.TimeoutExpired:
        return dict(base, status='timeout', reason='killed after %.1f s (compile + %d warm-up + %d timed frames)'
                    % (timeout_s, a.warmup, a.iters))
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith('{')]
    if p.returncode == 0 and lines:
        return json.loads(lines[-1])
    return dict(base, status='failed', reason=('exit %d: ' % p.returncode + p.stderr.strip()[-600:]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--height', type=int, default=360)
    ap.add_argument('--width', type=int, default=640)
    ap.add_argument('--sizes', help='comma-separated HxW list, e.g. 360x640,1080x1920 (overrides --height/--width)')
    ap.add_argument('--planes', type=int, default=32)
    ap.add_argument('--iters', type=int, default=20)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--modes', default=','.join(EAGER + COMPILE))
    ap.add_argument('--budget-s', type=float, default=1e9, help='start no mode after this many seconds')
    ap.add_argument('--compile-timeout-s', type=float, default=300)
    ap.add_argument('--cpu', action='store_true', help='use the CPU even where CUDA is present')
    ap.add_argument('--check', action='store_true',
                    help='only compare the staged frame (fp32) with release_torch.released_forward at the first size')
    ap.add_argument('--in-process', action='store_true', help=argparse.SUPPRESS)
    a = ap.parse_args()
    t0 = time.time()
    dev = torch.device('cuda' if torch.cuda.is_available() and not a.cpu else 'cpu')
    sizes = [tuple(int(v) for v in s.lower().split('x')) for s in a.sizes.split(',')] if a.sizes else \
        [(a.height, a.width)]
    if a.check:
        emit(check(sizes[0][0], sizes[0][1], a.planes, dev))
        return 0
    modes = [m.strip() for m in a.modes.split(',') if m.strip()]
    bad = [m for m in modes if m not in EAGER + COMPILE]
    if bad:
        ap.error('unknown modes %s (known: %s)' % (bad, ', '.join(EAGER + COMPILE)))
    order = [(m, s) for m in modes if m in EAGER for s in sizes] + \
        [(m, s) for m in modes if m in COMPILE for s in sizes]
    for mode, (H, W) in order:
        left = a.budget_s - (time.time() - t0)
        if left <= 0:
            emit({'impl': 'torch', 'mode': mode, 'H': H, 'W': W, 'D': a.planes, 'card': card_name(dev),
                  'torch': torch.__version__, 'device': dev.type, 'status': 'skipped',
                  'reason': 'budget of %.1f s spent' % a.budget_s})
            continue
        if mode in COMPILE and not a.in_process and dev.type == 'cuda' and hasattr(torch, 'compile'):
            emit(run_child(mode, H, W, a, min(a.compile_timeout_s, left), dev))
        else:
            emit(bench_mode(mode, H, W, a.planes, a.iters, a.warmup, dev))
    return 0


if __name__ == '__main__':
    sys.exit(main())
