#!/usr/bin/env python3
# The released plane sweep (train_mask/projector.py batch_inverse_warp, transcribed in release_torch.py) run in
# PyTorch on a parity fixture's inputs, compared with the fixture's psv: shows the float32 noise of the released
# computation itself.
#   python3 psv-release-float32-noise.py shared-a.npz      (needs numpy + torch; run on the GPU machine)
import json, os, sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from release_torch import batch_inverse_warp

z = np.load(sys.argv[1])
out = {}
for dev in ['cpu'] + (['cuda'] if torch.cuda.is_available() else []):
  for tf32 in [False, True]:
    torch.backends.cuda.matmul.allow_tf32 = tf32
    d = torch.device(dev)
    f = lambda k: torch.from_numpy(z[k]).to(d)
    K = f('src_K'); E = f('src_w2c'); depths = f('depths')[:, None]
    imgs = f('src_rgb')[0, :, 0]; bgs = f('src_bg')[0]
    vols = []
    for which, v in [(imgs, 0), (imgs, 1), (bgs, 0), (bgs, 1)]:
        trnsf = (E[v] @ torch.inverse(E[0]))[None]
        w = batch_inverse_warp(which[v][None] + 1, depths, K[v][None], torch.inverse(K[0])[None], trnsf)
        vols.append(w[0] - 1)
    psv = torch.cat(vols, 0).cpu().numpy()
    err = np.abs(psv - z['psv'])
    out[f'{dev}-tf32={tf32}'] = [float(err.max()), int((err > 1e-5).sum()), int((err > 1e-7).sum())]
    if dev == 'cpu' and not tf32:
        # coordinates of view 1 at the worst voxel, for comparison
        trnsf = (E[1] @ torch.inverse(E[0]))[None]
        _, coords = batch_inverse_warp(imgs[1][None] + 1, depths, K[1][None], torch.inverse(K[0])[None], trnsf,
                                       return_coords=True)
        out['view1_grid_d0_y3_x62'] = [float(x) for x in coords[0, 0, 3, 62].cpu().numpy()]
        out['trnsf'] = trnsf.cpu().numpy().ravel().tolist()
        out['invK'] = torch.inverse(K[0]).cpu().numpy().ravel().tolist()
print(json.dumps(out))
