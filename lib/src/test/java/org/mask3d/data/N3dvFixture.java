package org.mask3d.data;

import org.mask3d.geometry.Llff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small synthetic scene written in the exact N3DV layout: {@code camNN.mp4} per camera (lossless H.264 by Debian's
 * ffmpeg) from the built-in {@link SyntheticRig}, one camera left out (a gap in the numbering), and
 * {@code poses_bounds.npy} with one LLFF row per present video in camera-number order.
 */
public final class N3dvFixture {
    private N3dvFixture() {}

    /**
     * @param missing the rig camera whose video is left out (its number is skipped)
     * @return the rig the videos were made from (camera i of the rig is camII.mp4)
     */
    public static SyntheticRig write(Path dir, int width, int height, int rows, int cols, int frames, int missing) throws IOException, InterruptedException {
        SyntheticRig rig = new SyntheticRig(new SyntheticRig.Options(width, height, rows, cols, SyntheticRig.Options.defaults().spacing(), frames, 7));
        Path rigDir = dir.resolveSibling(dir.getFileName() + "-rig");
        rig.write(rigDir, 2, null);
        Files.createDirectories(dir);
        List<Llff.PoseBounds> rows_ = new ArrayList<>();
        for (int c = 0; c < rig.numCameras(); c++) {
            if (c == missing) continue;
            Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-framerate", "30", "-i",
                    rigDir.resolve(String.format("frames/cam%02d/%%05d.png", c)).toString(), "-c:v", "libx264", "-qp", "0",
                    "-pix_fmt", "yuv444p", dir.resolve(String.format("cam%02d.mp4", c)).toString()).inheritIO().start();
            if (p.waitFor() != 0) throw new IOException("ffmpeg failed on camera " + c);
            rows_.add(rig.poses().get(c));
        }
        Llff.write(dir.resolve("poses_bounds.npy"), rows_);
        return rig;
    }
}
