#!/usr/bin/env python3
# The released plane sweep (train_mask/projector.py batch_inverse_warp, transcribed) run in PyTorch on a parity
# fixture's inputs, compared with the fixture's psv: shows the float32 noise of the released computation itself.
#   python3 psv-release-float32-noise.py shared-a.npz      (needs numpy + torch; run on the GPU machine)
import numpy as np, torch, torch.nn.functional as F, json, sys
z = np.load(sys.argv[1])
def meshgrid_pinhole(h, w, device):
    xs = torch.linspace(0, w-1, steps=w, device=device) + 0.5
    ys = torch.linspace(0, h-1, steps=h, device=device) + 0.5
    new_y, new_x = torch.meshgrid(ys, xs, indexing='ij')
    return torch.stack((new_x, new_y, torch.ones_like(new_x)), 2)
def divide_safe(num, denom):
    eps = 1e-8
    tmp = denom + eps * torch.le(denom, 1e-20).to(torch.float)
    return num / tmp
def batch_inverse_warp(src_im, depths, src_int, inv_tgt_int, trnsf):
    b, _, h, w = src_im.shape; src_h, src_w = h, w
    im_coord = meshgrid_pinhole(h, w, src_im.device)
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
    warped = F.grid_sample(src_im.repeat(depths.shape[0], 1, 1, 1), im_coord.view(-1, *(im_coord.shape[2:])), align_corners=True)
    return warped.view(depths.shape + (3, h, w)).permute([1, 2, 0, 3, 4]), im_coord
out = {}
for dev in ['cpu'] + (['cuda'] if torch.cuda.is_available() else []):
  for tf32 in [False, True]:
    torch.backends.cuda.matmul.allow_tf32 = tf32
    d = torch.device(dev)
    f = lambda k: torch.from_numpy(z[k]).to(d)
    K = f('src_K'); E = f('src_w2c'); depths = f('depths')[:, None]
    imgs = f('src_rgb')[0, :, 0]; bgs = f('src_bg')[0]
    res = []
    for v in range(2):
        trnsf = (E[v] @ torch.inverse(E[0]))[None]
        inv_int = torch.inverse(K[0])[None]
        for im in (imgs, bgs):
            pass
    for src in (imgs[0], imgs[1], bgs[0], bgs[1]):
        pass
    vols = []
    for which, v in [(imgs, 0), (imgs, 1), (bgs, 0), (bgs, 1)]:
        trnsf = (E[v] @ torch.inverse(E[0]))[None]
        w, coords = batch_inverse_warp(which[v][None] + 1, depths, K[v][None], torch.inverse(K[0])[None], trnsf)
        vols.append(w[0] - 1)
    psv = torch.cat(vols, 0).cpu().numpy()
    err = np.abs(psv - z['psv'])
    out[f'{dev}-tf32={tf32}'] = [float(err.max()), int((err > 1e-5).sum()), int((err > 1e-7).sum())]
    if dev == 'cpu' and not tf32:
        # coordinates of view 1 at the worst voxel, for comparison
        trnsf = (E[1] @ torch.inverse(E[0]))[None]
        _, coords = batch_inverse_warp(imgs[1][None] + 1, depths, K[1][None], torch.inverse(K[0])[None], trnsf)
        out['view1_grid_d0_y3_x62'] = [float(x) for x in coords[0, 0, 3, 62].cpu().numpy()]
        out['trnsf'] = trnsf.cpu().numpy().ravel().tolist()
        out['invK'] = torch.inverse(K[0]).cpu().numpy().ravel().tolist()
print(json.dumps(out))
