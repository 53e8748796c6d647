package org.mask3d.render;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Homography;

/**
 * The MPI renderer written with DJL NDArray operations (libtorch kernels): the released algorithm step by step —
 * batched homographies, a four-corner bilinear gather with zero padding (DJL has no grid_sample), and the
 * exclusive cumulative product of {@code 1 − α + 1e−8} from the front. It is differentiable through DJL's
 * autograd when the MPI array requires gradients, and it is the peer the pure-Java renderer is benchmarked
 * against. Maths: see {@link MpiRenderer}.
 */
public final class DjlRenderer implements MpiRenderer {
    private final Device device;

    /** A renderer on DJL's default device. */
    public DjlRenderer() { this(null); }

    /** @param device the device to compute on (null: DJL's default) */
    public DjlRenderer(Device device) { this.device = device; }

    @Override public String name() { return "djl-ops"; }

    @Override public Rendering render(Mpi mpi, Camera target) {
        try (NDManager m = device == null ? NDManager.newBaseManager() : NDManager.newBaseManager(device)) {
            NDArray rgba = HostArrays.of(m, mpi.rgba(), new Shape(mpi.planes(), mpi.height(), mpi.width(), 4));
            NDArray[] out = render(m, rgba, mpi.depths(), mpi.ref(), target);
            int h = target.height(), w = target.width();
            return new Rendering(out[0].toFloatArray(), out[1].toFloatArray(), out[2].toFloatArray(), h, w);
        }
    }

    /**
     * Renders an MPI held as an NDArray (differentiable with respect to {@code rgba}).
     *
     * @param rgba [D, H, W, 4] float32, planes back to front
     * @return {rgb [3, h, w], accumulated alpha [h, w], disparity [h, w]} at the target's size
     */
    public static NDArray[] render(NDManager m, NDArray rgba, double[] depths, Camera ref, Camera target) {
        Shape s = rgba.getShape();
        if (s.dimension() != 4 || s.get(3) != 4 || s.get(0) != depths.length) {
            throw new IllegalArgumentException("mpi must be [D,H,W,4] with D = " + depths.length + ", got " + s);
        }
        int D = (int) s.get(0), mh = (int) s.get(1), mw = (int) s.get(2);
        int h = target.height(), w = target.width(), n = h * w;
        double[][] hom = Homography.targetToReference(ref, target, depths);
        double[] hf = new double[D * 9];
        for (int i = 0; i < D; i++) System.arraycopy(hom[i], 0, hf, i * 9, 9);
        DataType dt = rgba.getDataType();
        NDArray hm = HostArrays.of(m, hf, new Shape(D, 3, 3)).toType(dt, false);
        NDArray q = hm.matMul(pixelCentres(m, h, w).toType(dt, false));      // [D,3,n]
        NDArray qz = q.get(":, 2, :");
        qz = NDArrays.where(qz.eq(0), qz.onesLike().mul(1e-8f), qz);
        NDArray sx = q.get(":, 0, :").div(qz).sub(0.5f);                     // pixel-index coordinates
        NDArray sy = q.get(":, 1, :").div(qz).sub(0.5f);
        NDArray x0 = sx.floor(), y0 = sy.floor();
        NDArray fx = sx.sub(x0), fy = sy.sub(y0);
        NDArray warped = bilinearHwc(rgba.reshape(D, (long) mh * mw, 4), mh, mw, sx, sy);   // [D,n,4]
        NDArray alpha = warped.get(":, :, 3");                                   // [D,n]
        NDArray trans = alpha.flip(0).neg().add(1f + 1e-8f).cumProd(0);
        trans = NDArrays.concat(new NDList(m.ones(new Shape(1, n)), trans.get(":-1")), 0).flip(0);
        NDArray wts = trans.mul(alpha);                                           // [D,n]
        NDArray rgb = warped.get(":, :, :3").mul(wts.expandDims(2)).sum(new int[]{0});   // [n,3]
        float[] inv = new float[D];
        for (int i = 0; i < D; i++) inv[i] = (float) (1.0 / depths[i]);
        NDArray disp = wts.mul(HostArrays.of(m, inv, new Shape(D, 1)).toType(dt, false)).sum(new int[]{0});
        return new NDArray[]{rgb.transpose(1, 0).reshape(3, h, w), wts.sum(new int[]{0}).reshape(h, w), disp.reshape(h, w)};
    }

    /** Target pixel centres (x+0.5, y+0.5, 1) as [1, 3, h·w], row-major pixels. */
    static NDArray pixelCentres(NDManager m, int h, int w) {
        int n = h * w;
        float[] pix = new float[3 * n];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            int p = y * w + x;
            pix[p] = x + 0.5f;
            pix[n + p] = y + 0.5f;
            pix[2 * n + p] = 1f;
        }
        return HostArrays.of(m, pix, new Shape(1, 3, n));
    }

    /**
     * Bilinear sampling with zero padding, written as a four-corner gather (DJL has no grid_sample): for each of
     * the B images of {@code src} [B, H·W, C] (pixels row-major, channels last) and each of its n sample points at
     * pixel-index coordinates (sx, sy) [B, n], the weighted sum of the four neighbouring pixels, corners outside the
     * image contributing zero. Differentiable with respect to {@code src} (and to sx, sy almost everywhere).
     *
     * @return [B, n, C]
     */
    public static NDArray bilinearHwc(NDArray src, int h, int w, NDArray sx, NDArray sy) {
        long c = src.getShape().get(2);
        NDArray x0 = sx.floor(), y0 = sy.floor();
        NDArray fx = sx.sub(x0), fy = sy.sub(y0);
        NDArray out = null;
        for (int k = 0; k < 4; k++) {
            NDArray xi = k % 2 == 0 ? x0 : x0.add(1), yi = k / 2 == 0 ? y0 : y0.add(1);
            NDArray wt = (k % 2 == 0 ? fx.neg().add(1) : fx).mul(k / 2 == 0 ? fy.neg().add(1) : fy);
            NDArray valid = xi.gte(0).logicalAnd(xi.lte(w - 1)).logicalAnd(yi.gte(0)).logicalAnd(yi.lte(h - 1));
            NDArray idx = yi.clip(0, h - 1).mul(w).add(xi.clip(0, w - 1)).toType(DataType.INT64, false);
            NDArray tap = src.gather(idx.expandDims(2).repeat(2, c), 1);          // [B, n, C]
            NDArray term = tap.mul(wt.mul(valid.toType(wt.getDataType(), false)).expandDims(2));
            out = out == null ? term : out.add(term);
        }
        return out;
    }
}
