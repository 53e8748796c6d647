#!/usr/bin/env python3
"""The released Deep 3D Mask Volume inference path (deep-3dmask train_mask/net.py RenderNet, module.py
MPINet3d/MaskNet3d, projector.py, homography.py), transcribed to PyTorch from METHOD.md §2.5, §3, §4, with a
checkpoint loader that never executes pickled code.

  python3 release_torch.py --replay shared-a.npz shared-a.ckpt [--device cpu|cuda]
      recomputes every array of a parity fixture from its inputs and the checkpoint alone and prints one JSON
      object: per array {"max_abs", "over_1e-5", "n"} against the fixture's stored array.
  python3 release_torch.py --selftest
      checks the restricted checkpoint loader refuses a pickle that names any other callable (nothing is run).

Works with PyTorch 1.13 and 2.x (CPU or CUDA) and numpy. Imported by parity-release-float32-spread.py and
torch_frames.py in this folder.

What is transcribed (the released behaviour, quirks included):
- PSV (batch_inverse_warp): pixel centres (+0.5), X_ref = d K_ref^-1 p, X_src = (E_src E_ref^-1) X_ref, p = K_src X_src,
  p_z <= 0 -> 0 then divide_safe (+1e-8 where the denominator <= 1e-20), normalised with /W, /H but sampled with
  grid_sample(align_corners=True), bilinear, zero padding, on img + 1, minus 1 (outside a view = -1).
- Conv3dBlock = Conv3d(bias) -> ReLU -> GroupNorm(1, C); the last block (conv7_3) is a bare Conv3d. Skips are
  concatenated [decoder, skip] at the low resolution BEFORE nearest x2 upsampling of D, H, W; safeshape crops only
  H and W of the decoder tensor to the skip's.
- MPINet3d head: alpha = sigmoid(x0), (w0, w1) = softmax([0, x1]) i.e. w1 = sigmoid(x1), w0 = 1 - w1;
  MPI rgb = sum_v w_v PSV_v (unclamped). MaskNet3d head: sigmoid.
- Blend full = fg M + bg (1 - M) on all four channels; [full, fg M] (8 channels) warped to the target with the
  per-plane homography K_ref (R^T - R^T t n R^T / (d + (R^T t)_z)) K_tgt^-1, grid_sample(align_corners=False, zeros),
  eps only where q_z == 0; over-composite back to front with w_i = a_i prod_{j>i}(1 - a_j + 1e-8).
"""
import argparse
import collections
import io
import json
import pickle
import sys
import zipfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

D_PLANES = 32


# ----------------------------------------------------------------------------------------------------------------
# Plane sweep (projector.py; also used by lib/benchmarks/psv-release-float32-noise.py)

def meshgrid_pinhole(h, w, device):
    xs = torch.linspace(0, w - 1, steps=w, device=device) + 0.5
    ys = torch.linspace(0, h - 1, steps=h, device=device) + 0.5
    new_y, new_x = torch.meshgrid(ys, xs, indexing='ij')
    return torch.stack((new_x, new_y, torch.ones_like(new_x)), 2)


def divide_safe(num, denom):
    eps = 1e-8
    tmp = denom + eps * torch.le(denom, 1e-20).to(denom.dtype)
    return num / tmp


def batch_inverse_warp(src_im, depths, src_int, inv_tgt_int, trnsf, return_coords=False):
    """src_im [B,3,H,W], depths [D,B], src_int [B,3,3], inv_tgt_int [B,3,3], trnsf [B,4,4] -> [B,3,D,H,W]
    (and the normalised sampling grid [D,B,H,W,2] with return_coords)."""
    b, _, h, w = src_im.shape
    src_h, src_w = h, w
    im_coord = meshgrid_pinhole(h, w, src_im.device).to(src_im.dtype)
    coord = im_coord.view([-1, 3]).unsqueeze(0).repeat([b, 1, 1])
    cam_coord = torch.matmul(inv_tgt_int.unsqueeze(1), coord[..., None])
    cam_coord = cam_coord * depths[:, :, None, None, None]
    ones = torch.ones_like(cam_coord[..., 0:1, :])
    cam_coord = torch.cat([cam_coord, ones], -2)
    new_cam_coord = torch.matmul(trnsf.unsqueeze(1), cam_coord)
    im_coord = torch.matmul(src_int.unsqueeze(1), new_cam_coord[..., :3, :])
    im_coord = im_coord.squeeze(dim=-1).view(depths.shape + (h, w, 3))
    zeros = torch.zeros_like(im_coord[..., 2:3])
    im_coord[..., 2:3] = torch.where(im_coord[..., 2:3] > 0, im_coord[..., 2:3], zeros)
    im_coord = divide_safe(im_coord[..., :2], im_coord[..., 2:3])
    im_coord[..., 0] = im_coord[..., 0] / src_w * 2 - 1.
    im_coord[..., 1] = im_coord[..., 1] / src_h * 2 - 1.
    warped = F.grid_sample(src_im.repeat(depths.shape[0], 1, 1, 1), im_coord.view(-1, *(im_coord.shape[2:])),
                           align_corners=True)
    warped = warped.view(depths.shape + (3, h, w)).permute([1, 2, 0, 3, 4])
    return (warped, im_coord) if return_coords else warped


def depths_from_bd(near, far, device, dtype=torch.float32, planes=D_PLANES):
    """1 / linspace(1/far, 1/near, D): index 0 is the farthest plane."""
    return 1.0 / torch.linspace(1.0 / float(far), 1.0 / float(near), planes, device=device, dtype=dtype)


def plane_sweep(images, Ks, Es, depths):
    """images: list of (image [3,H,W], view index v); Ks [V,3,3], Es [V,4,4] (w2c, view 0 = reference).
    Returns the PSV [3*len(images), D, H, W] in that order (-1 outside a view)."""
    inv_ref = torch.inverse(Ks[0])[None]
    E0inv = torch.inverse(Es[0])
    vols = []
    for im, v in images:
        trnsf = (Es[v] @ E0inv)[None]
        w = batch_inverse_warp(im[None] + 1, depths[:, None], Ks[v][None], inv_ref, trnsf)
        vols.append(w[0] - 1)
    return torch.cat(vols, 0)


# ----------------------------------------------------------------------------------------------------------------
# Networks (module.py); parameter names are the released state-dict keys

class Conv3dBlock(nn.Module):
    def __init__(self, cin, cout, k, pad, stride, act_norm=True):
        super().__init__()
        layers = [nn.Conv3d(cin, cout, k, stride=stride, padding=pad, bias=True)]
        if act_norm:
            layers += [nn.ReLU(), nn.GroupNorm(1, cout)]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


def safeshape(sec, pri):
    """The released crop: only H and W of the decoder tensor to the skip's."""
    return sec[:, :, :, :pri.shape[3], :pri.shape[4]]


class UNet3d(nn.Module):
    LAYERS = [  # name, in (multiple of nf, or 'in'), out, k, pad, stride, act_norm
        ('conv1_1', 'in', 1, 7, 3, 1, True), ('conv1_2', 1, 2, 7, 3, 2, True),
        ('conv2_1', 2, 2, 3, 1, 1, True), ('conv2_2', 2, 4, 3, 1, 2, True),
        ('conv3_1', 4, 4, 3, 1, 1, True), ('conv3_2', 4, 8, 3, 1, 2, True),
        ('conv4_1', 8, 8, 3, 1, 1, True), ('conv4_2', 8, 8, 3, 1, 1, True),
        ('conv5_1', 16, 4, 3, 1, 1, True), ('conv5_2', 4, 4, 3, 1, 1, True),
        ('conv6_1', 8, 2, 3, 1, 1, True), ('conv6_2', 2, 2, 3, 1, 1, True),
        ('conv7_1', 4, 2, 3, 1, 1, True), ('conv7_2', 2, 1, 3, 1, 1, True),
        ('conv7_3', 1, 'out', 3, 1, 1, False)]

    def __init__(self, in_c, out_c, nf=8):
        super().__init__()
        for name, ci, co, k, pad, stride, an in self.LAYERS:
            ci = in_c if ci == 'in' else ci * nf
            co = out_c if co == 'out' else co * nf
            setattr(self, name, Conv3dBlock(ci, co, k, pad, stride, an))
        self.up = nn.Upsample(scale_factor=2, mode='nearest')

    def trunk(self, x):
        conv1 = self.conv1_2(self.conv1_1(x))
        conv2 = self.conv2_2(self.conv2_1(conv1))
        conv3 = self.conv3_2(self.conv3_1(conv2))
        conv4 = self.conv4_2(self.conv4_1(conv3))
        y = torch.cat([conv4, conv3], 1)
        conv5 = self.conv5_2(self.conv5_1(self.up(y)))
        y = torch.cat([safeshape(conv5, conv2), conv2], 1)
        conv6 = self.conv6_2(self.conv6_1(self.up(y)))
        y = torch.cat([safeshape(conv6, conv1), conv1], 1)
        return self.conv7_3(self.conv7_2(self.conv7_1(self.up(y))))


class MPINet3d(UNet3d):
    """[B,6,D,H,W] -> [B,3,D,H',W'] = alpha, w0, w1 (H' = H for even H; the released net gives H+1 for odd H)."""

    def __init__(self, in_c=6, out_c=2, nf=8):
        super().__init__(in_c, out_c, nf)

    def forward(self, x):
        x = self.trunk(x)
        alpha = torch.sigmoid(x[:, 0:1])
        w = torch.softmax(torch.cat([torch.zeros_like(x[:, 0:1]), x[:, 1:]], 1), 1)
        return torch.cat([alpha, w], 1)


class MaskNet3d(UNet3d):
    def __init__(self, in_c=12, out_c=1, nf=8):
        super().__init__(in_c, out_c, nf)

    def forward(self, x):
        return torch.sigmoid(self.trunk(x))


def mpi_from_output(psv, out):
    """psv [B,3V,D,H,W], out [B,1+V,D,H,W] -> RGBA [B,D,H,W,4]; rgb = sum_v w_v psv_v, unclamped."""
    views = psv.shape[1] // 3
    rgb = sum(psv[:, 3 * v:3 * v + 3] * out[:, 1 + v:2 + v] for v in range(views))
    return torch.cat([rgb, out[:, 0:1]], 1).permute(0, 2, 3, 4, 1)


# ----------------------------------------------------------------------------------------------------------------
# Rendering (homography.py planar_transform + projector.py over_composite; as shared/bench/torch_mpi_render.py)

def plane_homographies(K_ref, K_tgt, T, depths):
    """T = E_tgt E_ref^-1. [D,3,3] target->reference pixel homographies, one per plane z_ref = d."""
    R, t = T[:3, :3], T[:3, 3:]
    n = torch.tensor([[0., 0., 1.]], device=T.device, dtype=T.dtype)
    Rt_t = R.t() @ t
    nR = n @ R.t()
    return K_ref @ (R.t()[None] - (Rt_t @ nR)[None] / (depths + Rt_t[2, 0])[:, None, None]) @ torch.inverse(K_tgt)


def warp_planes(vol, Hm):
    """vol [D,H,W,C] -> [D,H,W,C] at the target (grid_sample bilinear, zeros, align_corners=False)."""
    D, H, W, C = vol.shape
    dev = vol.device
    ys, xs = torch.meshgrid(torch.arange(H, device=dev, dtype=Hm.dtype) + 0.5,
                            torch.arange(W, device=dev, dtype=Hm.dtype) + 0.5, indexing='ij')
    pix = torch.stack([xs, ys, torch.ones_like(xs)], -1).reshape(-1, 3).t()
    q = Hm @ pix[None]
    z = q[:, 2:3]
    z = torch.where(z == 0, torch.full_like(z, 1e-8), z)
    uv = q[:, :2] / z
    grid = torch.stack([uv[:, 0] / W * 2 - 1, uv[:, 1] / H * 2 - 1], -1).reshape(D, H, W, 2)
    return F.grid_sample(vol.permute(0, 3, 1, 2), grid.to(vol.dtype), mode='bilinear', padding_mode='zeros',
                         align_corners=False).permute(0, 2, 3, 1)


def over_composite(rgba):
    """rgba [D,H,W,4] back (0) to front -> (rgb [H,W,3], acc_alpha [H,W])."""
    alpha = rgba[..., 3]
    trans = torch.cumprod(1.0 - torch.flip(alpha, [0]) + 1e-8, 0)
    trans = torch.cat([torch.ones_like(trans[:1]), trans[:-1]], 0)
    w = torch.flip(trans, [0]) * alpha
    return (w[..., None] * rgba[..., :3]).sum(0), w.sum(0)


def blend(fg, bg, mask):
    """fg, bg [D,H,W,4], mask [D,H,W] -> (full, fg*M), all four channels."""
    m = mask[..., None]
    return fg * m + bg * (1 - m), fg * m


def render_blended(full, fgm, K_ref, K_tgt, T, depths):
    """[full, fg M] warped together (8 channels) and composited: (rgb [3,H,W], fg acc alpha [H,W])."""
    Hm = plane_homographies(K_ref, K_tgt, T, depths)
    warped = warp_planes(torch.cat([full, fgm], -1), Hm)
    rgb, _ = over_composite(warped[..., 0:4])
    _, fg_acc = over_composite(warped[..., 4:8])
    return rgb.permute(2, 0, 1), fg_acc


# ----------------------------------------------------------------------------------------------------------------
# The whole stage-2 forward pass (RenderNet, one batch item)

def released_forward(mpi_net, mask_net, inp, device='cpu', dtype=torch.float32):
    """inp: dict of numpy arrays as in a parity fixture (src_rgb, src_bg, src_w2c, src_K, tgt_w2c, tgt_K, bd).
    Returns a dict of numpy arrays named as the fixture's (depths, psv, mpinet_out, mpi_fg, mpi_bg, mask, rgb,
    fg_acc_alpha). The networks must be on that device in that dtype (float32 as released; float64 for a
    reference). The inputs are read as float32 first, as the fixtures store them."""
    dev = torch.device(device)
    f = lambda k: torch.from_numpy(np.ascontiguousarray(inp[k], dtype=np.float32)).to(dev, dtype)
    Ks, Es = f('src_K'), f('src_w2c')
    bd = np.asarray(inp['bd'], dtype=np.float32).ravel()
    depths = depths_from_bd(bd[0], bd[1], dev, dtype)
    imgs, bgs = f('src_rgb')[0, :, 0], f('src_bg')[0]
    with torch.no_grad():
        psv = plane_sweep([(imgs[0], 0), (imgs[1], 1), (bgs[0], 0), (bgs[1], 1)], Ks, Es, depths)[None]
        both = torch.cat([psv[:, :6], psv[:, 6:]], 0)              # dynamic and background in one batch
        out = mpi_net(both)
        mpis = mpi_from_output(both, out)                            # [2,D,H,W,4]
        fg, bg = mpis[0], mpis[1]
        mask = mask_net(psv)[0, 0]                                   # [D,H,W]
        full, fgm = blend(fg, bg, mask)
        T = f('tgt_w2c') @ torch.inverse(Es[0])
        rgb, fg_acc = render_blended(full, fgm, Ks[0], f('tgt_K'), T, depths)
    n = lambda t: t.detach().float().cpu().numpy()
    return {'depths': n(depths), 'psv': n(psv[0]), 'mpinet_out': n(out[0]), 'mpi_fg': n(fg), 'mpi_bg': n(bg),
            'mask': n(mask), 'rgb': n(rgb), 'fg_acc_alpha': n(fg_acc)}


# ----------------------------------------------------------------------------------------------------------------
# Checkpoint loading without executing pickled code
#
# A torch.save zip archive (<name>/data.pkl + <name>/data/<key> raw storages) read with a restricted unpickler:
# only torch's tensor-rebuild functions (answered by the reimplementations below, which only view the archive's
# bytes), storage types, collections.OrderedDict, and Lightning's AttributeDict (read as dict) may be named; any
# other global raises before anything is called. torch.load is deliberately not used: PyTorch 1.13's torch.load
# silently replaces a given pickle_module with the standard pickle when weights_only=False (serialization.py:
# "else: pickle_module = pickle"), and weights_only=True refuses Lightning's AttributeDict.

class UnsafePickle(pickle.UnpicklingError):
    pass


_STORAGE_DTYPES = {
    'FloatStorage': torch.float32, 'DoubleStorage': torch.float64, 'HalfStorage': torch.float16,
    'BFloat16Storage': torch.bfloat16, 'LongStorage': torch.int64, 'IntStorage': torch.int32,
    'ShortStorage': torch.int16, 'CharStorage': torch.int8, 'ByteStorage': torch.uint8, 'BoolStorage': torch.bool}


class _StorageType:
    def __init__(self, name):
        self.name, self.dtype = name, _STORAGE_DTYPES[name]


def _rebuild_tensor(storage, storage_offset, size, stride):
    return storage.as_strided(tuple(size), tuple(stride), storage_offset).clone()


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    return _rebuild_tensor(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    return nn.Parameter(data, requires_grad)


_REBUILD = {'_rebuild_tensor': _rebuild_tensor, '_rebuild_tensor_v2': _rebuild_tensor_v2,
            '_rebuild_parameter': _rebuild_parameter}


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file, storages):
        super().__init__(file, encoding='utf-8')
        self._storages = storages

    def find_class(self, module, name):
        if module == 'torch._utils' and name in _REBUILD:
            return _REBUILD[name]
        if module in ('torch', 'torch.storage') and name in _STORAGE_DTYPES:
            return _StorageType(name)
        if module == 'collections' and name == 'OrderedDict':
            return collections.OrderedDict
        if module.startswith('pytorch_lightning') and name == 'AttributeDict':
            return dict
        raise UnsafePickle('checkpoint refers to %s.%s, which is not allowed (nothing was executed)' % (module, name))

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == 'storage' and isinstance(pid[1], _StorageType)):
            raise UnsafePickle('unexpected persistent id %r' % (pid,))
        _, st, key, _location, numel = pid
        return self._storages(str(key), st.dtype, int(numel))


def load_checkpoint(path):
    """A torch.save zip checkpoint as plain dicts/lists/tensors (CPU), never executing pickled code."""
    if not zipfile.is_zipfile(path):
        raise UnsafePickle('%s is not a torch.save zip archive (the legacy format is not supported)' % path)
    with zipfile.ZipFile(path) as zf:
        pkls = [n for n in zf.namelist() if n.endswith('/data.pkl') and n.count('/') == 1]
        if len(pkls) != 1:
            raise UnsafePickle('%s: expected one <name>/data.pkl, found %r' % (path, pkls))
        prefix = pkls[0][:-len('data.pkl')]
        if prefix + 'byteorder' in zf.namelist() and zf.read(prefix + 'byteorder').strip() != b'little':
            raise UnsafePickle('big-endian checkpoints are not supported')
        cache = {}

        def storage(key, dtype, numel):
            if key not in cache:
                raw = bytearray(zf.read(prefix + 'data/' + key))
                t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
                if t.numel() < numel:
                    raise UnsafePickle('storage %s holds %d values, %d expected' % (key, t.numel(), numel))
                cache[key] = t
            return cache[key]

        return _RestrictedUnpickler(io.BytesIO(zf.read(pkls[0])), storage).load()


def load_networks(ckpt_path, device='cpu'):
    """The Lightning checkpoint's models.mpi_net.* and models.mask_net.* into MPINet3d(6,2) and MaskNet3d(12,1)
    (strict: every key present, no extra key, every shape equal)."""
    ck = load_checkpoint(ckpt_path)
    sd = ck['state_dict'] if 'state_dict' in ck else ck
    nets = []
    for prefix, net in (('models.mpi_net.', MPINet3d()), ('models.mask_net.', MaskNet3d())):
        part = collections.OrderedDict((k[len(prefix):], v) for k, v in sd.items() if k.startswith(prefix))
        net.load_state_dict(part, strict=True)
        nets.append(net.to(device).eval())
    return nets[0], nets[1]


def selftest():
    """The loader reads the fixture-like checkpoint and refuses pickles naming other callables."""
    import os
    import tempfile

    class Evil:
        def __reduce__(self):
            return (os.system, ('echo PWNED > /dev/null',))

    class Builtin:
        def __reduce__(self):
            return (eval, ('1+1',))

    results = {}
    with tempfile.TemporaryDirectory() as d:
        for name, obj in (('os.system', Evil()), ('eval', Builtin()), ('set', {'state_dict': {3, 4}})):
            p = os.path.join(d, 'bad.ckpt')
            torch.save({'state_dict': collections.OrderedDict(w=torch.zeros(2)), 'x': obj}, p)
            try:
                load_checkpoint(p)
                results[name] = 'LOADED (bad)'
            except UnsafePickle as e:
                results[name] = 'refused: ' + str(e)
        p = os.path.join(d, 'good.ckpt')
        m = MPINet3d()
        sd = collections.OrderedDict(('models.mpi_net.' + k, v) for k, v in m.state_dict().items())
        torch.save({'state_dict': sd}, p)
        ck = load_checkpoint(p)
        ok = all(torch.equal(ck['state_dict']['models.mpi_net.' + k], v) for k, v in m.state_dict().items())
        results['good'] = 'loaded, equal' if ok else 'MISMATCH'
    refused = all(v.startswith('refused') for k, v in results.items() if k != 'good')
    passed = refused and results['good'] == 'loaded, equal'
    return passed, results


# ----------------------------------------------------------------------------------------------------------------

ARRAYS = ['depths', 'psv', 'mpinet_out', 'mpi_fg', 'mpi_bg', 'mask', 'rgb', 'fg_acc_alpha']


def error_stats(got, want):
    e = np.abs(got.astype(np.float64) - want.astype(np.float64)).ravel()
    return {'max_abs': float(e.max()), 'p99_abs': float(np.percentile(e, 99)), 'n': int(e.size),
            'over_1e-5': int((e > 1e-5).sum())}


def replay(npz_path, ckpt_path, device='cpu'):
    z = np.load(npz_path)
    mpi_net, mask_net = load_networks(ckpt_path, device)
    got = released_forward(mpi_net, mask_net, z, device)
    return {k: error_stats(got[k], z[k]) for k in ARRAYS if k in z.files}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--replay', nargs=2, metavar=('NPZ', 'CKPT'))
    ap.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    ap.add_argument('--selftest', action='store_true')
    a = ap.parse_args(argv)
    if a.selftest:
        ok, res = selftest()
        print(json.dumps({'selftest': 'passed' if ok else 'FAILED', **res}))
        return 0 if ok else 1
    if not a.replay:
        ap.error('give --replay NPZ CKPT or --selftest')
    if a.device == 'cuda':
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    res = replay(a.replay[0], a.replay[1], a.device)
    print(json.dumps({'case': a.replay[0], 'device': a.device, 'torch': torch.__version__, 'arrays': res}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
