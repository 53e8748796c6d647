package org.mask3d.data;

import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;
import org.mask3d.geometry.Mat;
import org.mask3d.geometry.PlaneDepths;

import java.util.ArrayList;
import java.util.List;

/**
 * A synthetic dynamic scene with an exact answer: textured fronto-parallel rectangles ("cards") at known depths,
 * one of them moving, seen by a row of static cameras.
 *
 * <p>World coordinates are camera 0's (OpenCV axes: x right, y down, z forward); camera 0 is the MPI reference.
 * Every card lies exactly on one plane of the scene's MPI ({@link #mpiDepths()}: {@code D} planes linear in
 * disparity between {@link #near()} and {@link #far()}), so its exact MPI ({@code eval.SyntheticTruth.exactMpi}) —
 * each card's texture sampled at the reference pixel centres, alpha 1 inside the card — renders the reference view
 * exactly. Ground-truth images of any camera are ray-cast analytically ({@link #render}), independent of any MPI: the
 * rendering of the exact MPI at a novel view differs from it only by resampling and by content the reference camera
 * does not see.
 *
 * <p>As a {@link Scene}: frames are {@link #render} of each camera, backgrounds the static cards alone (every card but
 * the moving one, {@link #background(Camera)}), and every camera's bounds are [{@link #near()}, {@link #far()}]
 * (the cameras differ only by a sideways shift, so every card is at the same depth in each). There are no mattes.
 */
public final class SyntheticScene implements Scene {

    /**
     * A textured rectangle on the plane {@code z = depth}.
     *
     * @param plane   index of the MPI plane it lies on (0 = farthest)
     * @param x0      left edge (world x at frame 0); use ±infinity for an unbounded background
     * @param vx      horizontal motion in world units per frame (0 = static)
     * @param colour  base RGB in [0,1]
     * @param period  texture period in world units
     */
    public record Card(int plane, double x0, double x1, double y0, double y1, double vx, float[] colour, double period) {
        /** Whether the card moves. */
        public boolean dynamic() { return vx != 0; }

        /** Whether the point (px, py) of the card's plane is on the card at {@code frame}. */
        public boolean inside(double px, double py, int frame) {
            double off = vx * frame;
            return px >= x0 + off && px < x1 + off && py >= y0 && py < y1;
        }

        /** The card's colour at the point (px, py) of its plane at {@code frame}: a smooth procedural texture in the
         * card's own coordinates (it moves with the card), RGB in [0,1]. */
        public float[] texture(double px, double py, int frame) {
            double u = (px - vx * frame) / period, v = py / period;
            double s = 0.5 + 0.25 * Math.sin(2 * Math.PI * u) * Math.cos(2 * Math.PI * v)
                    + 0.15 * Math.sin(2 * Math.PI * (0.5 * u + 0.9 * v) + 1.0);
            float[] col = new float[3];
            for (int k = 0; k < 3; k++) {
                double shade = 0.35 + 0.65 * s + 0.05 * Math.sin(2 * Math.PI * (u + k / 3.0));
                col[k] = (float) Math.max(0, Math.min(1, colour[k] * shade));
            }
            return col;
        }
    }

    private final int width, height, planes, frames;
    private final double near, far;
    private final double[] depths;
    private final List<Card> cards;
    private final List<Camera> cameras;

    private SyntheticScene(int width, int height, int planes, int frames, double near, double far, List<Card> cards,
                           List<Camera> cameras) {
        this.width = width;
        this.height = height;
        this.planes = planes;
        this.frames = frames;
        this.near = near;
        this.far = far;
        this.depths = PlaneDepths.inverseLinear(near, far, planes);
        this.cards = List.copyOf(cards);
        this.cameras = List.copyOf(cameras);
    }

    /**
     * The standard scene: a far textured wall, two static cards and one card moving left to right, seen by
     * {@code numCameras} cameras 6 cm apart on a horizontal line (focal length 0.8·W, principal point centred),
     * depths between 2 and 20, 32 planes.
     *
     * @param width  image width (the reference camera's and every camera's)
     * @param height image height
     * @param numCameras cameras in the rig (≥ 2; camera 0 is the reference)
     * @param frames number of video frames the moving card crosses
     */
    public static SyntheticScene standard(int width, int height, int numCameras, int frames) {
        if (width < 8 || height < 8) throw new IllegalArgumentException("image must be at least 8x8, got " + width + "x" + height);
        if (numCameras < 2) throw new IllegalArgumentException("need at least 2 cameras, got " + numCameras);
        if (frames < 1) throw new IllegalArgumentException("need at least 1 frame, got " + frames);
        int planes = PlaneDepths.DEFAULT_PLANES;
        double near = 2.0, far = 20.0;
        double[] d = PlaneDepths.inverseLinear(near, far, planes);
        double f = 0.8 * width;
        // half extents of the reference view at depth z: x = z·(W/2)/f
        double ax = (width / 2.0) / f, ay = (height / 2.0) / f;
        List<Card> cards = new ArrayList<>();
        double inf = Double.POSITIVE_INFINITY;
        cards.add(new Card(0, -inf, inf, -inf, inf, 0, new float[]{0.55f, 0.7f, 0.9f}, d[0] * ax / 3));
        int pMid = planes * 11 / 32, pNear = planes * 22 / 32, pMove = planes * 27 / 32;
        double zm = d[pMid], zn = d[pNear], zv = d[pMove];
        cards.add(new Card(pMid, -0.75 * zm * ax, -0.05 * zm * ax, -0.55 * zm * ay, 0.6 * zm * ay, 0,
                new float[]{0.9f, 0.55f, 0.25f}, zm * ax / 4));
        cards.add(new Card(pNear, 0.2 * zn * ax, 0.7 * zn * ax, -0.2 * zn * ay, 0.75 * zn * ay, 0,
                new float[]{0.3f, 0.8f, 0.35f}, zn * ax / 5));
        double span = 1.4 * zv * ax;   // the moving card crosses most of the view over the frames
        double w = 0.35 * zv * ax;
        cards.add(new Card(pMove, -0.7 * zv * ax - w / 2, -0.7 * zv * ax + w / 2, -0.7 * zv * ay, -0.1 * zv * ay,
                frames > 1 ? span / (frames - 1) : 0, new float[]{0.95f, 0.25f, 0.45f}, zv * ax / 6));
        List<Camera> cams = new ArrayList<>();
        double baseline = 0.06;
        for (int i = 0; i < numCameras; i++) {
            double cx = i * baseline;
            double[] w2c = Mat.identity(4);
            w2c[3] = -cx;   // camera centre at (cx, 0, 0), looking along +z
            cams.add(new Camera(Camera.intrinsics(f, width, height), w2c, width, height));
        }
        return new SyntheticScene(width, height, planes, frames, near, far, cards, cams);
    }

    @Override public String name() { return "synthetic-cards"; }
    @Override public int numCameras() { return cameras.size(); }
    @Override public int numFrames() { return frames; }
    @Override public int width() { return width; }
    @Override public int height() { return height; }
    /** Planes of the exact MPI ({@link #mpiDepths()}). */
    public int planes() { return planes; }
    /** Video frames; the same as {@link #numFrames()}. */
    public int frames() { return frames; }
    /** Nearest plane depth. */
    public double near() { return near; }
    /** Farthest plane depth. */
    public double far() { return far; }
    /** The MPI plane depths, back to front; every card lies exactly on one of them. */
    public double[] mpiDepths() { return depths.clone(); }
    public List<Card> cards() { return cards; }
    /** The rig's cameras; index 0 is the MPI reference. */
    @Override public List<Camera> cameras() { return cameras; }
    /** {@link #near()} for every camera. */
    @Override public double[] nears() { return filled(near); }
    /** {@link #far()} for every camera. */
    @Override public double[] fars() { return filled(far); }

    private double[] filled(double v) {
        double[] out = new double[cameras.size()];
        java.util.Arrays.fill(out, v);
        return out;
    }

    /** The rig as LLFF {@code poses_bounds} rows, bounds = [near, far]: {@link #poses()}. */
    public List<Llff.PoseBounds> posesBounds() { return poses(); }

    /** Ground truth: the scene at {@code frame} seen by {@code cam}, ray-cast at pixel centres. [3,H,W]. */
    public float[] render(Camera cam, int frame) { return raycast(cam, frame, true); }

    /** The static background (every card but the moving one) seen by {@code cam}. [3,H,W]. */
    public float[] background(Camera cam) { return raycast(cam, 0, false); }

    /** Frame {@code t} of camera {@code cam}: {@link #render} of that camera. [3,H,W]. */
    @Override public float[] frame(int cam, int t) {
        if (t < 0 || t >= frames) throw new IndexOutOfBoundsException("frame " + t + " of " + frames);
        return render(cameras.get(cam), t);
    }

    /** The static cards have a background image in every camera. */
    @Override public boolean hasBackgrounds() { return true; }

    /** Camera {@code cam}'s background: {@link #background(Camera)}. [3,H,W]. */
    @Override public float[] background(int cam) { return background(cameras.get(cam)); }

    private float[] raycast(Camera cam, int frame, boolean withDynamic) {
        int h = cam.height(), w = cam.width();
        float[] out = new float[3 * h * w];
        double[] c2w = cam.c2w();
        double[] kinv = Mat.inverse(cam.k());
        double ox = c2w[3], oy = c2w[7], oz = c2w[11];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double[] rc = Mat.apply(kinv, new double[]{x + 0.5, y + 0.5, 1});
                double dx = c2w[0] * rc[0] + c2w[1] * rc[1] + c2w[2] * rc[2];
                double dy = c2w[4] * rc[0] + c2w[5] * rc[1] + c2w[6] * rc[2];
                double dz = c2w[8] * rc[0] + c2w[9] * rc[1] + c2w[10] * rc[2];
                // nearest card hit: cards are sorted back to front, so scan from the front
                for (int ci = cards.size() - 1; ci >= 0; ci--) {
                    Card c = cards.get(ci);
                    if (c.dynamic() && !withDynamic) continue;
                    double z = depths[c.plane()];
                    double t = (z - oz) / dz;
                    if (!(t > 0)) continue;
                    double px = ox + t * dx, py = oy + t * dy;
                    if (c.inside(px, py, frame)) {
                        float[] col = c.texture(px, py, frame);
                        for (int k = 0; k < 3; k++) out[k * h * w + y * w + x] = col[k];
                        break;
                    }
                }
            }
        }
        return out;
    }
}
