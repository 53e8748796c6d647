package org.mask3d.render;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.PlaneConstants;

import java.util.List;

/**
 * The plane-sweep volume in DJL NDArray operations (same maths as {@link PlaneSweep}, which is its reference):
 * differentiable with respect to the source images, and on whatever device the images live.
 */
public final class DjlPlaneSweep implements PlaneSweeper {
    private static final DjlPlaneSweep HOST = new DjlPlaneSweep();

    private DjlPlaneSweep() {}

    /**
     * The DJL backend behind {@link PlaneSweeper}: host images in, host volume out (each call on its own manager, on
     * DJL's default device). For differentiable use call {@link #volume} with NDArrays.
     */
    public static DjlPlaneSweep host() { return HOST; }

    @Override public Psv sweep(List<float[]> images, List<Camera> cameras, Camera ref, double[] depths, PlaneSweep.Sampling sampling) {
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> nd = new java.util.ArrayList<>();
            for (int v = 0; v < images.size(); v++) {
                Camera c = cameras.get(v);
                nd.add(HostArrays.of(m, images.get(v), new Shape(3, c.height(), c.width())));
            }
            return new Psv(volume(m, nd, cameras, ref, depths, sampling).toFloatArray(), images.size(), depths.length,
                    ref.height(), ref.width());
        }
    }

    @Override public String name() { return "djl"; }

    /**
     * @param images V images, each [3, H_v, W_v] (any float type; the volume has the first image's type)
     * @return [3V, D, H, W] for the reference camera's H × W; −1 outside a view
     */
    public static NDArray volume(NDManager m, List<NDArray> images, List<Camera> cameras, Camera ref, double[] depths,
                                 PlaneSweep.Sampling sampling) {
        if (images.size() != cameras.size()) throw new IllegalArgumentException(images.size() + " images but " + cameras.size() + " cameras");
        int D = depths.length, H = ref.height(), W = ref.width(), n = H * W;
        DataType dt = images.get(0).getDataType();
        PlaneConstants pc = PlaneConstants.of(cameras, ref, depths);
        NDArray pix = DjlRenderer.pixelCentres(m, H, W).toType(DataType.FLOAT64, false).reshape(3, n);   // [3, n]
        NDList out = new NDList();
        for (int v = 0; v < images.size(); v++) {
            Camera c = cameras.get(v);
            int sw = c.width(), sh = c.height();
            Shape is = images.get(v).getShape();
            if (is.dimension() != 3 || is.get(0) != 3 || is.get(1) != sh || is.get(2) != sw) {
                throw new IllegalArgumentException("image " + v + " must be [3," + sh + "," + sw + "] like its camera, got " + is);
            }
            double[] krk = pc.homography(v);
            double[] b = pc.b(v);
            // p = d · (K_src R K_ref⁻¹) pix + K_src t, per plane, computed in double
            NDArray base = HostArrays.of(m, krk, new Shape(3, 3)).matMul(pix);                                   // [3, n]
            NDArray d = HostArrays.of(m, depths, new Shape(D, 1, 1));
            NDArray p = base.expandDims(0).mul(d).add(HostArrays.of(m, b, new Shape(1, 3, 1)));                   // [D, 3, n]
            NDArray pz = p.get(":, 2, :");
            NDArray inFront = pz.gt(0);
            NDArray safeZ = NDArrays.where(inFront, pz, pz.onesLike());
            NDArray u = p.get(":, 0, :").div(safeZ), vv = p.get(":, 1, :").div(safeZ);
            NDArray sx, sy;
            if (sampling == PlaneSweep.Sampling.RELEASED) {
                sx = u.mul((sw - 1.0) / sw);
                sy = vv.mul((sh - 1.0) / sh);
            } else {
                sx = u.sub(0.5);
                sy = vv.sub(0.5);
            }
            // behind the camera: far outside, so every corner is invalid
            NDArray far = sx.onesLike().mul(-1e6);
            sx = NDArrays.where(inFront, sx, far).reshape(1, (long) D * n);
            sy = NDArrays.where(inFront, sy, far).reshape(1, (long) D * n);
            // sampled in double (as the reference), the result cast back to the images' type
            NDArray img = images.get(v).toType(DataType.FLOAT64, false).add(1).reshape(3, (long) sh * sw).transpose(1, 0).expandDims(0);
            NDArray s = DjlRenderer.bilinearHwc(img, sh, sw, sx, sy).sub(1).toType(dt, false);            // [1, D·n, 3]
            out.add(s.reshape(D, H, W, 3).transpose(3, 0, 1, 2));                                          // [3, D, H, W]
        }
        return NDArrays.concat(out, 0);
    }
}
