package org.mask3d.eval;

import org.mask3d.io.Npy;
import org.mask3d.io.NpyArray;
import org.mask3d.io.TorchCheckpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Writes synthetic LPIPS weights (both backbones, the fixed seeds of {@link LpipsTest}), two 64×48 images and this
 * implementation's per-layer distances and spatial maps to a folder, for {@code lib/benchmarks/lpips-torchvision-check.py}
 * to recompute with torchvision's own feature stacks. Not a test: run it by hand (see that script).
 */
public final class LpipsExport {
    private LpipsExport() {}

    public static void main(String[] a) {
        if (a.length != 1) throw new IllegalArgumentException("usage: LpipsExport OUT_DIR");
        Path out = Path.of(a[0]);
        StringBuilder sb = new StringBuilder("{");
        for (Lpips.Backbone bb : Lpips.Backbone.values()) {
            boolean alex = bb == Lpips.Backbone.ALEX;
            var bw = LpipsTest.backboneWeights(alex ? LpipsTest.ALEX_CONVS : LpipsTest.VGG_CONVS, alex ? 101 : 201);
            var hw = LpipsTest.headWeights(bb.tapChannels(), alex ? 102 : 202);
            TorchCheckpoint.writeStateDict(out.resolve(bb.lpipsName() + "-backbone.pth"), bw);
            TorchCheckpoint.writeStateDict(out.resolve(bb.lpipsName() + "-heads.pth"), hw);
            int h = 64, w = 48;
            Random r = new Random(alex ? 103 : 203);
            float[] x = LpipsTest.image(r, h, w), y = LpipsTest.image(r, h, w);
            Npy.write(out.resolve(bb.lpipsName() + "-x.npy"), NpyArray.ofFloat(x, 3, h, w));
            Npy.write(out.resolve(bb.lpipsName() + "-y.npy"), NpyArray.ofFloat(y, 3, h, w));
            try (Lpips l = Lpips.load(bb, out.resolve(bb.lpipsName() + "-backbone.pth"), out.resolve(bb.lpipsName() + "-heads.pth"))) {
                double[] per = l.distancePerLayer(x, y, h, w);
                float[] map = l.distanceMap(x, y, h, w);
                Npy.write(out.resolve(bb.lpipsName() + "-map.npy"), NpyArray.ofFloat(map, h, w));
                sb.append("\"").append(bb.lpipsName()).append("\": ").append(Arrays.toString(per)).append(", ");
            }
        }
        sb.append("\"_\": 0}");
        try {
            Files.writeString(out.resolve("java.json"), sb.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        System.out.println(sb);
    }
}
