#!/usr/bin/env python3
"""
LPIPS in DJL (org.mask3d.eval.Lpips) against torchvision's own feature stacks and the forward of lpips/lpips.py v0.1
(ScalingLayer, normalize_tensor, 1x1 heads without bias, spatial_average; spatial=True: nn.Upsample bilinear,
align_corners=False), in float64, on the synthetic weights and images that LpipsExport writes.

  cd lib && mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
  mkdir -p /tmp/lpips-check && OMP_NUM_THREADS=1 java -Dai.djl.offline=true \
      -cp target/classes:target/test-classes:$(cat /tmp/cp.txt) org.mask3d.eval.LpipsExport /tmp/lpips-check
  /usr/bin/python3 benchmarks/lpips-torchvision-check.py /tmp/lpips-check

Needs torch and torchvision: Debian 12's apt-get install python3-torchvision (torch 1.13.1, torchvision 0.14.1) for
/usr/bin/python3. Results: lpips-torchvision-check.md.
"""
import json, numpy as np, torch, torch.nn as nn, torchvision.models as tv
torch.set_default_dtype(torch.float64)
import sys
folder = sys.argv[1]
java = json.load(open(f'{folder}/java.json'))
shift = torch.tensor([-.030, -.088, -.188])[None, :, None, None]
scale = torch.tensor([.458, .448, .450])[None, :, None, None]
def norm(f, eps=1e-10): return f / (torch.sqrt(torch.sum(f**2, dim=1, keepdim=True)) + eps)
for name, ctor, slices, chns in [('alex', tv.alexnet, [(0,2),(2,5),(5,8),(8,10),(10,12)], [64,192,384,256,256]),
                                  ('vgg', tv.vgg16, [(0,4),(4,9),(9,16),(16,23),(23,30)], [64,128,256,512,512])]:
    feats = ctor().features.double().eval()
    sd = torch.load(f'{folder}/{name}-backbone.pth')
    feats.load_state_dict({k[len('features.'):]: v.double() for k, v in sd.items() if k.startswith('features.')})
    heads = torch.load(f'{folder}/{name}-heads.pth')
    x = torch.from_numpy(np.load(f'{folder}/{name}-x.npy')).double()[None]
    y = torch.from_numpy(np.load(f'{folder}/{name}-y.npy')).double()[None]
    def taps(z):
        h = ((2 * z - 1) - shift) / scale
        out = []
        for a, b in slices:
            for i in range(a, b): h = feats[i](h)
            out.append(h)
        return out
    with torch.no_grad():
        tx, ty = taps(x), taps(y)
        per, maps = [], []
        for k in range(5):
            lin = nn.Conv2d(chns[k], 1, 1, bias=False).double()
            lin.weight.copy_(heads[f'lin{k}.model.1.weight'].double())
            d = lin((norm(tx[k]) - norm(ty[k]))**2)
            per.append(d.mean([2, 3]).item())
            maps.append(nn.Upsample(size=x.shape[2:], mode='bilinear', align_corners=False)(d))
        spatial = sum(maps)[0, 0].numpy()
    jm = np.load(f'{folder}/{name}-map.npy')
    rel = max(abs(p - q) / abs(p) for p, q in zip(per, java[name]))
    print(name, 'torch', ['%.10f' % v for v in per], 'sum %.10f' % sum(per))
    print(name, 'java ', ['%.10f' % v for v in java[name]], 'sum %.10f' % sum(java[name]))
    print(name, 'max rel diff per layer %.2e, spatial map max abs diff %.2e (map max %.3e)' % (rel, np.abs(jm - spatial).max(), spatial.max()))
