package org.mask3d.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.mask3d.eval.ParityCase;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.io.Npz;
import org.mask3d.io.NpyArray;
import org.mask3d.render.CpuRenderer;
import org.mask3d.render.Mpi;
import org.mask3d.render.PlaneSweep;
import org.mask3d.render.Psv;
import org.mask3d.render.Rendering;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes the cases {@link CudaNetworksGpuTest} checks the GPU networks on (run on a CPU machine with DJL; the GPU
 * machine has no libtorch): each a self-contained npz with the weights ({@code mpi/KEY}, {@code mask/KEY}), the
 * inputs in the parity fixtures' layout, and the DJL CPU pipeline's outputs ({@code djl_mpi_fg}, {@code djl_mpi_bg},
 * {@code djl_mask}, {@code djl_rgb}: MPINet3d + head, MaskNet3d, blend, CPU render). The two shared fixtures keep the
 * released code's arrays too; generated cases are larger, with random weights and GroupNorm affine.
 *
 * <pre>java -cp TEST_CLASSPATH org.mask3d.model.GpuCases OUT_DIR FIXTURES_DIR [H×W ...]</pre>
 */
public final class GpuCases {
    private GpuCases() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]), fixtures = Path.of(args[1]);
        Files.createDirectories(out);
        for (String name : new String[]{"shared-a", "shared-b"}) {
            Path npz = fixtures.resolve(name + ".npz");
            Map<String, NpyArray> arrays = new LinkedHashMap<>(Npz.read(npz));
            ParityCase pc = ParityCase.load(npz);
            try (NDManager m = NDManager.newBaseManager()) {
                MpiNet3d mpi = Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32);
                MaskNet3d mask = Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32);
                Checkpoints.load(fixtures.resolve(name + ".ckpt"), "", mpi, mask);
                write(out.resolve(name + ".npz"), arrays, mpi, mask, pc.views(), pc.depths(), pc.targetCamera());
            }
        }
        int seed = 100;
        for (int i = 2; i < args.length; i++) {
            String[] hw = args[i].split("x");
            generated(out, Integer.parseInt(hw[0]), Integer.parseInt(hw[1]), seed++);
        }
    }

    static void generated(Path out, int h, int w, long seed) {
        Random r = new Random(seed);
        double[] k = {0.8 * w, 0, w / 2.0, 0, 0.8 * w, h / 2.0, 0, 0, 1};
        Camera[] cams = new Camera[3];
        for (int c = 0; c < 3; c++) cams[c] = new Camera(k, pose(r, 0.06 * (c - 1)), w, h);
        float[][] img = new float[4][];
        for (int i = 0; i < 4; i++) img[i] = image(r, h, w, i >= 2 ? 0 : 1);
        MaskPipeline.Views v = new MaskPipeline.Views(img[0], img[1], img[2], img[3], cams[0], cams[1]);
        double[] depths = PlaneDepths.inverseLinear(1, 8, 32);
        try (NDManager m = NDManager.newBaseManager()) {
            MpiNet3d mpi = Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32);
            MaskNet3d mask = Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32);
            randomize(mpi, r);
            randomize(mask, r);
            Map<String, NpyArray> a = new LinkedHashMap<>();
            float[] rgb = new float[2 * 3 * h * w], bg = new float[2 * 3 * h * w];
            System.arraycopy(img[0], 0, rgb, 0, 3 * h * w);
            System.arraycopy(img[1], 0, rgb, 3 * h * w, 3 * h * w);
            System.arraycopy(img[2], 0, bg, 0, 3 * h * w);
            System.arraycopy(img[3], 0, bg, 3 * h * w, 3 * h * w);
            a.put("src_rgb", NpyArray.ofFloat(rgb, 1, 2, 1, 3, h, w));
            a.put("src_bg", NpyArray.ofFloat(bg, 1, 2, 3, h, w));
            double[] w2c = new double[32], kk = new double[18];
            for (int c = 0; c < 2; c++) {
                System.arraycopy(cams[c].w2c(), 0, w2c, 16 * c, 16);
                System.arraycopy(k, 0, kk, 9 * c, 9);
            }
            a.put("src_w2c", NpyArray.ofDouble(w2c, 2, 4, 4));
            a.put("src_K", NpyArray.ofDouble(kk, 2, 3, 3));
            a.put("tgt_w2c", NpyArray.ofDouble(cams[2].w2c(), 4, 4));
            a.put("tgt_K", NpyArray.ofDouble(k, 3, 3));
            a.put("bd", NpyArray.ofDouble(new double[]{1, 8}, 2));
            write(out.resolve("gen-" + h + "x" + w + ".npz"), a, mpi, mask, v, depths, cams[2]);
        }
    }

    static double[] pose(Random r, double x) {
        double ax = (r.nextDouble() - 0.5) * 0.04, ay = (r.nextDouble() - 0.5) * 0.04;
        double cx = Math.cos(ax), sx = Math.sin(ax), cy = Math.cos(ay), sy = Math.sin(ay);
        // R = Ry · Rx, t = −R·c with the camera centre at (x, 0, 0)
        double[] rm = {cy, sy * sx, sy * cx, 0, cx, -sx, -sy, cy * sx, cy * cx};
        double[] w2c = new double[16];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) w2c[4 * i + j] = rm[3 * i + j];
            w2c[4 * i + 3] = -rm[3 * i] * x;
        }
        w2c[15] = 1;
        return w2c;
    }

    /** A smooth image with edges (random rectangles over a gradient), [3, h, w] in [0, 1]. */
    static float[] image(Random r, int h, int w, int movers) {
        float[] im = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            double a = r.nextDouble(), b = r.nextDouble();
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) im[(c * h + y) * w + x] = (float) (0.2 + 0.3 * a * x / w + 0.3 * b * y / h);
        }
        for (int n = 0; n < 6 + 3 * movers; n++) {
            int x0 = r.nextInt(w), y0 = r.nextInt(h), x1 = Math.min(w, x0 + 2 + r.nextInt(w / 3)), y1 = Math.min(h, y0 + 2 + r.nextInt(h / 3));
            float[] col = {r.nextFloat(), r.nextFloat(), r.nextFloat()};
            for (int c = 0; c < 3; c++) for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) im[(c * h + y) * w + x] = col[c];
        }
        return im;
    }

    /** PyTorch-default-like weights (U(±1/√fan_in)) and a GroupNorm affine away from 1/0, from {@code r}. */
    static void randomize(UNet3d net, Random r) {
        Map<String, Networks.Weight> ws = new LinkedHashMap<>();
        for (Map.Entry<String, ai.djl.ndarray.types.Shape> e : net.parameterShapes().entrySet()) {
            long[] shape = e.getValue().getShape();
            float[] d = new float[(int) e.getValue().size()];
            String key = e.getKey();
            boolean norm = key.contains(".model.2.");
            double fanIn = 1;
            if (!norm) {
                String wk = key.replace(".bias", ".weight");
                long[] ws0 = net.parameterShapes().get(wk).getShape();
                fanIn = ws0[1] * ws0[2] * ws0[3] * ws0[4];
            }
            for (int i = 0; i < d.length; i++) {
                if (norm) d[i] = key.endsWith("weight") ? 0.7f + 0.6f * r.nextFloat() : 0.2f * (r.nextFloat() - 0.5f);
                else d[i] = (float) ((r.nextDouble() * 2 - 1) / Math.sqrt(fanIn));
            }
            ws.put(key, new Networks.Weight(key, shape, d));
        }
        Networks.load(net, ws, "random");
    }

    static void write(Path file, Map<String, NpyArray> arrays, MpiNet3d mpi, MaskNet3d mask, MaskPipeline.Views v,
                      double[] depths, Camera target) {
        Map<String, NpyArray> a = new LinkedHashMap<>(arrays);
        for (Map.Entry<String, Networks.Weight> e : Networks.weights(mpi).entrySet()) a.put("mpi/" + e.getKey(), npy(e.getValue()));
        for (Map.Entry<String, Networks.Weight> e : Networks.weights(mask).entrySet()) a.put("mask/" + e.getKey(), npy(e.getValue()));
        a.put("depths", NpyArray.ofDouble(depths, depths.length));
        try (NDManager m = NDManager.newBaseManager(); MaskPipeline p = new MaskPipeline(mpi, mask, Device.cpu(), m)) {
            Psv frames = MaskPipeline.sweep(PlaneSweep.cpu(), v, depths).views(0, 2);
            Psv bgs = MaskPipeline.sweep(PlaneSweep.cpu(), v, depths).views(2, 4);
            Mpi fg = p.dynamicMpi(frames, depths, v.source0()), bg = p.backgroundMpi(bgs, depths, v.source0());
            float[] mk = p.mask(frames, bgs);
            Rendering rr = new CpuRenderer().render(Mpi.blend(fg, bg, mk), target);
            int d = depths.length, h = fg.height(), w = fg.width();
            a.put("djl_mpi_fg", NpyArray.ofFloat(fg.rgba(), d, h, w, 4));
            a.put("djl_mpi_bg", NpyArray.ofFloat(bg.rgba(), d, h, w, 4));
            a.put("djl_mask", NpyArray.ofFloat(mk, d, h, w));
            a.put("djl_rgb", NpyArray.ofFloat(rr.rgb(), 3, h, w));
        }
        Npz.write(file, a);
        System.out.println("wrote " + file + " (" + List.of(file.toFile().length() / 1024 + " KiB") + ")");
    }

    static NpyArray npy(Networks.Weight w) {
        int[] s = new int[w.shape().length];
        for (int i = 0; i < s.length; i++) s[i] = (int) w.shape()[i];
        return NpyArray.ofFloat(w.data(), s);
    }
}
