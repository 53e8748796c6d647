package org.mask3d.data;

import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Mat;
import org.mask3d.io.Images;

import java.nio.file.Path;

/**
 * A small dynamic rig for end-to-end tests of the own-data recipe: {@link TexturedRig}'s textured static scene (which
 * COLMAP registers), with a ball of radius 0.4 that moves across it, 5 units ahead, in front of everything else.
 * Writes {@code dir/camNN/00000.png …} per camera, ready to be encoded to one video per camera.
 */
public final class OwnRigFrames {
    private OwnRigFrames() {}

    /**
     * Renders the rig's frames.
     *
     * @return the cameras' focal length in pixels (every camera: 0.75 · width)
     */
    public static double write(Path dir, int width, int height, int cameras, int frames) {
        TexturedRig rig = new TexturedRig(width, height, cameras);
        for (int c = 0; c < cameras; c++) {
            Camera cam = rig.cameras.get(c);
            float[] still = rig.render(cam);
            for (int t = 0; t < frames; t++) {
                float[] img = still.clone();
                double[] centre = {-1.5 + 3.0 * t / Math.max(1, frames - 1), -0.2, 5};
                ball(img, cam, centre, 0.4);
                Images.writePng(dir.resolve(String.format("cam%02d/%05d.png", c, t)), img, 3, height, width);
            }
        }
        return 0.75 * width;
    }

    /** Paints a shaded orange ball (its silhouette is the projected disc of its centre and radius, near enough). */
    private static void ball(float[] img, Camera cam, double[] centre, double radius) {
        int h = cam.height(), w = cam.width();
        double[] p = Mat.apply(Mat.rotation(cam.w2c()), centre);
        double[] tr = Mat.translation(cam.w2c());
        double x = p[0] + tr[0], y = p[1] + tr[1], z = p[2] + tr[2];
        double u = cam.fx() * x / z + cam.cx(), v = cam.fy() * y / z + cam.cy(), r = cam.fx() * radius / z;
        for (int py = (int) Math.max(0, v - r - 1); py < Math.min(h, v + r + 1); py++) {
            for (int px = (int) Math.max(0, u - r - 1); px < Math.min(w, u + r + 1); px++) {
                double dx = (px + 0.5 - u) / r, dy = (py + 0.5 - v) / r, d2 = dx * dx + dy * dy;
                if (d2 > 1) continue;
                double shade = 0.35 + 0.65 * Math.sqrt(1 - d2) * (1 - 0.3 * (dx + dy));
                double[] rgb = {0.95 * shade, 0.45 * shade, 0.1 * shade};
                for (int k = 0; k < 3; k++) img[k * h * w + py * w + px] = (float) Math.max(0, Math.min(1, rgb[k]));
            }
        }
    }
}
