package org.mask3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.mask3d.InputException;
import org.mask3d.data.ResizedScene;
import org.mask3d.data.Scene;
import org.mask3d.data.Scenes;
import org.mask3d.data.SyntheticRig;
import org.mask3d.model.Psnr;
import org.mask3d.model.VggBnLoss;
import org.mask3d.model.WeightsReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What both stages share: data sources, weights loading, PSNR. */
final class StageSupport {
    private StageSupport() {}

    static final String SYNTHETIC = "synthetic";

    /** The built-in rig at the training size. */
    static SyntheticRig rig(TrainConfig c, int w, int h, long seedOffset) {
        return new SyntheticRig(new SyntheticRig.Options(w, h, c.integer("synthetic_rows"), c.integer("synthetic_cols"),
                SyntheticRig.Options.defaults().spacing(), c.integer("synthetic_frames"), c.longValue("synthetic_seed") + seedOffset));
    }

    /** Scenes of a source ('synthetic' or any Scenes.openAll path), at w × h. */
    static List<Scene> scenes(TrainConfig c, String source, int w, int h, long seedOffset) {
        if (source.equalsIgnoreCase(SYNTHETIC)) return List.of(rig(c, w, h, seedOffset));
        List<Scene> out = new ArrayList<>();
        for (Scene s : Scenes.openAll(Path.of(source))) out.add(s.width() == w && s.height() == h ? s : ResizedScene.of(s, w, h));
        if (out.isEmpty()) throw new InputException("no scenes under " + source);
        return out;
    }

    /** The VGG loss from vgg_weights, or a clear error. */
    static VggBnLoss vgg(TrainConfig c, NDManager m, String lossKey) {
        Path p = c.path("vgg_weights");
        if (p == null) {
            throw new InputException("loss_type " + lossKey + " needs torchvision's vgg19_bn weights: set vgg_weights = "
                    + "path/to/vgg19_bn-c79401a0.pth (or use loss_type l1 or mse, which need no weights)");
        }
        return VggBnLoss.load(p, WeightsReader.TORCH, m);
    }

    /** The training logs' PSNR: {@link Psnr#CLAMPED} of the rendering against the target. */
    static double psnr(NDArray rgb, NDArray target) { return Psnr.CLAMPED.of(rgb, target); }

    static double value(NDArray a) { return a.toType(DataType.FLOAT64, false).getDouble(); }

    /** Per-step deterministic randomness: a generator seeded from (seed, step) (a SplitMix64 mix). */
    static long mix(long seed, long step) {
        long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
