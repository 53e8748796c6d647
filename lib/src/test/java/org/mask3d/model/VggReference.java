package org.mask3d.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A slow, obviously correct VGG19-BN in plain Java doubles: 3×3 convolution with zero padding 1, batch norm (eval:
 * running statistics; train: biased batch statistics, then PyTorch's running update with momentum 0.1 and the
 * unbiased variance), ReLU, 2×2 max pooling. Layout [B, C, H, W] flattened.
 */
final class VggReference {
    /** A tensor [b, c, h, w]. */
    record T(double[] d, int b, int c, int h, int w) {
        double get(int n, int ch, int y, int x) { return d[((n * c + ch) * h + y) * w + x]; }
    }

    private VggReference() { }

    static T conv(T x, float[] wt, float[] bias, int out) {
        int b = x.b(), in = x.c(), h = x.h(), w = x.w();
        double[] o = new double[b * out * h * w];
        for (int n = 0; n < b; n++) for (int oc = 0; oc < out; oc++) {
            int ob = (n * out + oc) * h * w;
            for (int p = 0; p < h * w; p++) o[ob + p] = bias[oc];
            for (int ic = 0; ic < in; ic++) {
                int ib = (n * in + ic) * h * w;
                for (int ky = 0; ky < 3; ky++) for (int kx = 0; kx < 3; kx++) {
                    double k = wt[((oc * in + ic) * 3 + ky) * 3 + kx];
                    for (int y = 0; y < h; y++) {
                        int yy = y + ky - 1;
                        if (yy < 0 || yy >= h) continue;
                        for (int xq = 0; xq < w; xq++) {
                            int xx = xq + kx - 1;
                            if (xx < 0 || xx >= w) continue;
                            o[ob + y * w + xq] += k * x.d()[ib + yy * w + xx];
                        }
                    }
                }
            }
        }
        return new T(o, b, out, h, w);
    }

    /** Batch norm; in train mode {@code rm} and {@code rv} are updated in place. */
    static T bn(T x, float[] g, float[] be, double[] rm, double[] rv, boolean train) {
        int b = x.b(), c = x.c(), hw = x.h() * x.w();
        double[] o = new double[x.d().length];
        for (int ch = 0; ch < c; ch++) {
            double mean, var;
            if (train) {
                double s = 0;
                for (int n = 0; n < b; n++) for (int p = 0; p < hw; p++) s += x.d()[(n * c + ch) * hw + p];
                mean = s / (b * hw);
                double ss = 0;
                for (int n = 0; n < b; n++) for (int p = 0; p < hw; p++) {
                    double d = x.d()[(n * c + ch) * hw + p] - mean;
                    ss += d * d;
                }
                var = ss / (b * hw);
                int cnt = b * hw;
                rm[ch] = 0.9 * rm[ch] + 0.1 * mean;
                rv[ch] = 0.9 * rv[ch] + 0.1 * ss / (cnt - 1);
            } else {
                mean = rm[ch];
                var = rv[ch];
            }
            double inv = 1 / Math.sqrt(var + 1e-5);
            for (int n = 0; n < b; n++) for (int p = 0; p < hw; p++) {
                int i = (n * c + ch) * hw + p;
                o[i] = (x.d()[i] - mean) * inv * g[ch] + be[ch];
            }
        }
        return new T(o, b, c, x.h(), x.w());
    }

    static T relu(T x) {
        double[] o = x.d().clone();
        for (int i = 0; i < o.length; i++) o[i] = Math.max(0, o[i]);
        return new T(o, x.b(), x.c(), x.h(), x.w());
    }

    static T pool(T x) {
        int h = x.h() / 2, w = x.w() / 2;
        double[] o = new double[x.b() * x.c() * h * w];
        for (int n = 0; n < x.b(); n++) for (int ch = 0; ch < x.c(); ch++) for (int y = 0; y < h; y++)
            for (int xq = 0; xq < w; xq++) {
                double v = Double.NEGATIVE_INFINITY;
                for (int dy = 0; dy < 2; dy++) for (int dx = 0; dx < 2; dx++) {
                    v = Math.max(v, x.get(n, ch, 2 * y + dy, 2 * xq + dx));
                }
                o[((n * x.c() + ch) * h + y) * w + xq] = v;
            }
        return new T(o, x.b(), x.c(), h, w);
    }

    /** Running statistics as doubles, keyed "features.N.running_mean|var", from float weights. */
    static Map<String, double[]> running(Map<String, float[]> weights) {
        Map<String, double[]> out = new java.util.HashMap<>();
        for (Map.Entry<String, float[]> e : weights.entrySet()) {
            if (e.getKey().contains("running_")) {
                double[] d = new double[e.getValue().length];
                for (int i = 0; i < d.length; i++) d[i] = e.getValue()[i];
                out.put(e.getKey(), d);
            }
        }
        return out;
    }

    /**
     * The network from index 0 to the given number of slice outputs (1 … 5), returning relu1_2 … as asked.
     * {@code running} is read in eval mode and updated in train mode.
     */
    static List<T> forward(T x, Map<String, float[]> wts, Map<String, double[]> running, boolean train, int slices) {
        int[] cfg = {64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512};
        int[] taps = {5, 12, 19, 32, 45};
        List<T> out = new ArrayList<>();
        int i = 0;
        T h = x;
        for (int c : cfg) {
            if (out.size() == slices) break;
            if (c == 0) {
                h = pool(h);
                i += 1;
                continue;
            }
            String cv = "features." + i + ".", bn = "features." + (i + 1) + ".";
            h = conv(h, wts.get(cv + "weight"), wts.get(cv + "bias"), c);
            h = bn(h, wts.get(bn + "weight"), wts.get(bn + "bias"), running.get(bn + "running_mean"),
                    running.get(bn + "running_var"), train);
            h = relu(h);
            i += 3;
            if (i - 1 == taps[out.size()]) out.add(h);
        }
        return out;
    }
}
