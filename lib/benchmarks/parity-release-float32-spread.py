#!/usr/bin/env python3
"""Issue 17 item 3: the released code's own float32 spread, CPU vs CUDA, from which parity tolerances are derived.

  python3 parity-release-float32-spread.py --fixtures DIR --out OUTDIR [--cases N]

For each generated case (seeds 0.., sizes 48x64, 36x60, 45x80, 72x128, 90x160, 54x96, ...; cameras as the parity
fixtures' README: three cameras on a 12 cm line with small random rotations, K = [[0.8W,0,W/2],[0,0.8W,H/2],[0,0,1]],
bd = (1, 8); structured random frames and backgrounds in [0,1]; default-initialised networks with the GroupNorm
affine perturbed) the whole released path (release_torch.released_forward) runs in float32 on the CPU and on CUDA
(TF32 off for matmul and cuDNN, cuDNN deterministic, benchmark off), and in float64 on the CPU as a reference.
"arrays" holds |CUDA f32 - CPU f32| per array; "vs_f64" holds each float32 run against the float64 one. Without
CUDA, "arrays" is null and the case says so (the CPU half only). The two shared fixtures (DIR/shared-*.npz with
their .ckpt) are replayed on each device against their stored arrays (written by PyTorch 2.11 float32).

Writes OUTDIR/parity-release-float32-spread-<card>.json and .md; prints the JSON path.
"""
import argparse
import glob
import json
import os
import platform
import re
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import release_torch as rt  # noqa: E402

ARRAYS = ['psv', 'mpinet_out', 'mpi_fg', 'mpi_bg', 'mask', 'rgb', 'fg_acc_alpha']
SIZES = [(48, 64), (36, 60), (45, 80), (72, 128), (90, 160), (54, 96), (60, 84), (40, 72)]


# ---------------------------------------------------------------------------------------------------------------
# Inputs

def rotation(rng, sigma):
    w = rng.normal(0, sigma, 3)
    th = np.linalg.norm(w)
    k = w / th
    Kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + np.sin(th) * Kx + (1 - np.cos(th)) * Kx @ Kx


def w2c(rng, x):
    """A camera centred near (x, 0, 0), looking down +z with a small random rotation (OpenCV axes)."""
    R = rotation(rng, 0.02)
    c = np.array([x, 0.0, 0.0]) + rng.normal(0, 0.01, 3)
    E = np.eye(4)
    E[:3, :3], E[:3, 3] = R, -R @ c
    return E


def texture(rng, H, W):
    """A background-like image in [0,1]: smooth waves, a gradient, a few flat rectangles, a little noise."""
    y, x = np.mgrid[0:H, 0:W] / max(H, W)
    img = np.zeros((3, H, W))
    for c in range(3):
        img[c] = 0.45 + 0.15 * (x - 0.5) * rng.uniform(-1, 1)
        for _ in range(4):
            fx, fy, ph = rng.uniform(1, 12), rng.uniform(1, 12), rng.uniform(0, 2 * np.pi)
            img[c] += rng.uniform(0.03, 0.12) * np.sin(2 * np.pi * (fx * x + fy * y) + ph)
    for _ in range(5):
        h, w = rng.integers(2, H // 3 + 3), rng.integers(2, W // 3 + 3)
        y0, x0 = rng.integers(0, H - h + 1), rng.integers(0, W - w + 1)
        img[:, y0:y0 + h, x0:x0 + w] = rng.uniform(0, 1, 3)[:, None, None]
    return np.clip(img + rng.normal(0, 0.02, img.shape), 0, 1)


def frame(rng, bg):
    """The background with a few moving objects (discs and boxes) pasted on; [0,1]."""
    img = bg.copy()
    _, H, W = img.shape
    y, x = np.mgrid[0:H, 0:W]
    for _ in range(3):
        cy, cx, r = rng.uniform(0, H), rng.uniform(0, W), rng.uniform(0.08, 0.25) * min(H, W)
        inside = (y - cy) ** 2 + (x - cx) ** 2 < r * r
        col = rng.uniform(0, 1, 3)[:, None] + 0.1 * rng.normal(0, 1, (3, int(inside.sum())))
        img[:, inside] = col
    return np.clip(img, 0, 1)


def make_case(seed, H, W):
    rng = np.random.default_rng(seed)
    Es = [w2c(rng, -0.12), w2c(rng, 0.0), w2c(rng, 0.12)]       # source 0 (reference), source 1, target
    f = 0.8 * W
    K = np.array([[f, 0, W / 2], [0, f, H / 2], [0, 0, 1]])
    bgs = [texture(rng, H, W) for _ in range(2)]
    frames = [frame(rng, b) for b in bgs]
    f32 = lambda a: np.asarray(a, dtype=np.float32)
    return {'src_rgb': f32(np.stack(frames)[None, :, None]), 'src_bg': f32(np.stack(bgs)[None]),
            'src_w2c': f32(np.stack(Es[:2])), 'src_K': f32(np.stack([K, K])), 'tgt_w2c': f32(Es[2]),
            'tgt_K': f32(K), 'bd': f32([1.0, 8.0])}


def make_networks(seed):
    """PyTorch default initialisation, GroupNorm affine perturbed away from 1/0 (as the fixtures)."""
    torch.manual_seed(seed)
    nets = (rt.MPINet3d(), rt.MaskNet3d())
    g = torch.Generator().manual_seed(1000 + seed)
    with torch.no_grad():
        for net in nets:
            for m in net.modules():
                if isinstance(m, torch.nn.GroupNorm):
                    m.weight.copy_(1 + 0.2 * torch.randn(m.weight.shape, generator=g))
                    m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=g))
    return [{k: v.clone() for k, v in n.state_dict().items()} for n in nets]


def run(states, inp, device, dtype):
    nets = []
    for cls, sd in zip((rt.MPINet3d, rt.MaskNet3d), states):
        n = cls()
        n.load_state_dict(sd)
        nets.append(n.to(device=device, dtype=dtype).eval())
    out = rt.released_forward(nets[0], nets[1], inp, device, dtype)
    if device == 'cuda':
        torch.cuda.synchronize()
    return out


def stats(a, b):
    return {k: rt.error_stats(a[k], b[k]) for k in ARRAYS}


# ---------------------------------------------------------------------------------------------------------------

def fmt(v):
    return '%.1e' % v if v else '0'


def markdown(res):
    L = ['# The released code\'s float32 spread, CPU vs CUDA (%s)' % res['card'], '',
         'PyTorch %s, %s. Each case: the released inference path (lib/benchmarks/release_torch.py) in float32 on '
         'the CPU and on CUDA (TF32 off, cuDNN deterministic), and in float64 on the CPU. Cells: max |diff| / '
         '99th percentile / count above 1e-5 of n. Produced by `parity-release-float32-spread.py`.'
         % (res['torch'], res['note']), '']
    have_cuda = res['cuda']
    head = '| case | H×W | array | n | ' + ('CUDA vs CPU (f32) | ' if have_cuda else '') + 'CPU f32 vs f64 | ' + \
        ('CUDA f32 vs f64 |' if have_cuda else '')
    L += [head, '|' + '---|' * (head.count('|') - 1)]
    for c in res['cases']:
        if 'error' in c:
            L.append('| %s | %d×%d | — | — | released code fails: %s |' % (c['name'], c['H'], c['W'], c['error']))
            continue
        for a in ARRAYS:
            cell = lambda s: '%s / %s / %d' % (fmt(s['max_abs']), fmt(s['p99_abs']), s['over_1e-5'])
            row = '| %s | %d×%d | %s | %d | ' % (c['name'], c['H'], c['W'], a, c['vs_f64']['cpu'][a]['n'])
            if have_cuda:
                row += cell(c['arrays'][a]) + ' | '
            row += cell(c['vs_f64']['cpu'][a]) + ' | '
            if have_cuda:
                row += cell(c['vs_f64']['cuda'][a]) + ' |'
            L.append(row)
    ok = [c for c in res['cases'] if 'error' not in c]
    if len(ok) < len(res['cases']):
        L += ['', 'A failing case is the released code failing, not this script: for odd H (or W) the U-Net\'s '
              'output is one row (column) larger than its input (conv1_2 rounds up, the last upsampling is not '
              'cropped), and `rgb = Σ w_v · PSV_v` cannot broadcast; the released code (the topology of METHOD.md §3.2) '
              'only runs at even H and W.']
    L += ['', '## Largest over the cases (the spread a tolerance must cover)', '',
          '| array | ' + ('CUDA vs CPU | ' if have_cuda else '') + 'CPU f32 vs f64 | ' +
          ('CUDA f32 vs f64 |' if have_cuda else ''), '|---|---|' + ('---|---|' if have_cuda else '')]
    for a in ARRAYS:
        row = '| %s | ' % a
        if have_cuda:
            row += fmt(max(c['arrays'][a]['max_abs'] for c in ok)) + ' | '
        row += fmt(max(c['vs_f64']['cpu'][a]['max_abs'] for c in ok)) + ' | '
        if have_cuda:
            row += fmt(max(c['vs_f64']['cuda'][a]['max_abs'] for c in ok)) + ' |'
        L.append(row)
    if res['fixtures']:
        L += ['', '## The shared fixtures replayed against their stored arrays (max |diff| / count above 1e-5)', '',
              '| fixture | device | ' + ' | '.join(ARRAYS) + ' |', '|---|---|' + '---|' * len(ARRAYS)]
        for fx in res['fixtures']:
            L.append('| %s | %s | ' % (fx['name'], fx['device']) + ' | '.join(
                '%s / %d' % (fmt(fx['arrays'][a]['max_abs']), fx['arrays'][a]['over_1e-5']) for a in ARRAYS) + ' |')
    return '\n'.join(L) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--fixtures', help='folder with shared-*.npz and shared-*.ckpt')
    ap.add_argument('--out', required=True)
    ap.add_argument('--cases', type=int, default=len(SIZES), help='how many generated cases (sizes cycle)')
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    cuda = torch.cuda.is_available()
    card = torch.cuda.get_device_name(0) if cuda else 'cpu-only'
    note = ('CUDA on %s vs the CPU (%s)' % (card, platform.processor() or platform.machine())) if cuda else \
        'NO CUDA on this machine: the CPU half only (float32 vs float64 on the CPU); "arrays" is null'
    print(note, file=sys.stderr)
    res = {'card': card, 'torch': torch.__version__, 'cuda': cuda, 'note': note,
           'settings': {'matmul.allow_tf32': False, 'cudnn.allow_tf32': False, 'cudnn.deterministic': True,
                        'cudnn.benchmark': False},
           'cases': [], 'fixtures': []}
    tag = re.sub(r'[^A-Za-z0-9.]+', '-', card).strip('-')
    base = os.path.join(a.out, 'parity-release-float32-spread-%s' % tag)

    def save():   # after every case: a run cut short by a time limit keeps what it measured
        with open(base + '.json', 'w') as f:
            json.dump(res, f, indent=1)
        with open(base + '.md', 'w') as f:
            f.write(markdown(res))

    for i in range(a.cases):
        H, W = SIZES[i % len(SIZES)]
        seed = i
        name = 'gen-s%d-%dx%d' % (seed, H, W)
        t0 = time.time()
        inp, states = make_case(seed, H, W), make_networks(seed)
        case = {'name': name, 'seed': seed, 'H': H, 'W': W}
        try:
            ref = run(states, inp, 'cpu', torch.float64)
            cpu = run(states, inp, 'cpu', torch.float32)
        except RuntimeError as e:   # the released net's output is H+1 tall for odd H: rgb = sum w_v psv_v fails
            case['error'] = str(e).split('\n')[0]
            res['cases'].append(case)
            print('%s: released code fails: %s' % (name, case['error']), file=sys.stderr)
            continue
        case['vs_f64'] = {'cpu': stats(cpu, ref)}
        if cuda:
            gpu = run(states, inp, 'cuda', torch.float32)
            case['arrays'] = stats(gpu, cpu)
            case['vs_f64']['cuda'] = stats(gpu, ref)
        else:
            case['arrays'] = None
        res['cases'].append(case)
        save()
        print('%s: %.1f s' % (name, time.time() - t0), file=sys.stderr)
    if a.fixtures:
        for npz in sorted(glob.glob(os.path.join(a.fixtures, '*.npz'))):
            ckpt = npz[:-4] + '.ckpt'
            if not os.path.exists(ckpt):
                continue
            for dev in ['cpu'] + (['cuda'] if cuda else []):
                res['fixtures'].append({'name': os.path.basename(npz)[:-4], 'device': dev,
                                        'arrays': rt.replay(npz, ckpt, dev)})
    save()
    print(base + '.json')
    return 0


if __name__ == '__main__':
    sys.exit(main())
