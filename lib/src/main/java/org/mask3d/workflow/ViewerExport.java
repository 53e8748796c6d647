package org.mask3d.workflow;

import org.mask3d.InputException;
import org.mask3d.data.ResizedScene;
import org.mask3d.data.Scene;
import org.mask3d.eval.EvalMethod;
import org.mask3d.eval.EvalSession;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.model.MaskPipeline;
import org.mask3d.render.ViewerFolder;

import java.nio.file.Path;
import java.util.function.IntConsumer;

/**
 * Exports a dynamic scene for the web viewer ({@link ViewerFolder}; the page itself is {@code viz.ViewerPage}): for each
 * frame of a range, the mask-blended MPI {@code M·dynamic + (1−M)·background} (what the method renders), the dynamic
 * MPI and MaskNet3d's mask volume, plus the background MPI once — the same inference as the evaluation's
 * ({@link EvalSession}: {@link EvalMethod#PER_FRAME}, {@link EvalMethod#BACKGROUND}, {@link EvalMethod#MASK3D}).
 * Atlases are 8-bit ({@link org.mask3d.render.MpiAtlas}).
 */
public final class ViewerExport {
    private ViewerExport() {}

    /**
     * Settings.
     *
     * @param width   MPI width (the scene is resized to it, Lanczos)
     * @param height  MPI height
     * @param sources the two source cameras; the first is the MPI reference
     * @param first   first frame (inclusive)
     * @param end     last frame (exclusive); −1 for the scene's end
     * @param planes  MPI planes, a multiple of 8 (depths linear in disparity over the scene's bounds)
     * @param fps     playback frame rate written to the manifest
     */
    public record Options(int width, int height, int[] sources, int first, int end, int planes, double fps) {
        public Options {
            if (sources.length != 2 || sources[0] == sources[1]) {
                throw new InputException("source cameras must be two different indices, got " + java.util.Arrays.toString(sources));
            }
            if (width < 16 || height < 16) throw new InputException("image size must be at least 16x16, got " + width + "x" + height);
            if (first < 0 || (end >= 0 && end <= first)) throw new InputException("frames must be A:B with 0 <= A < B, got " + first + ":" + end);
            if (planes < 8 || planes % 8 != 0) throw new InputException("planes must be a positive multiple of 8 (the networks pool depth 3 times), got " + planes);
            if (!(fps > 0)) throw new InputException("fps must be positive, got " + fps);
            sources = sources.clone();
        }

        /** 640x360, sources 4 and 5 (the released video's), every frame, 32 planes, 30 fps. */
        public static Options defaults() { return new Options(640, 360, new int[]{4, 5}, 0, -1, PlaneDepths.DEFAULT_PLANES, 30); }

        /** These options with another frame range. */
        public Options withFrames(int first, int end) { return new Options(width, height, sources, first, end, planes, fps); }
    }

    /** What was written: the folder, the frames, bytes of all atlases and per frame, seconds per frame of inference. */
    public record Result(ViewerFolder folder, int frames, long bytes, long bytesPerFrame, double secondsPerFrame) {}

    /**
     * Exports frames {@code [first, end)} of {@code base} with {@code pipeline} (which must hold a MaskNet3d) into {@code out}.
     *
     * @param progress called with the frames done so far (may be null)
     */
    public static Result export(Scene base, MaskPipeline pipeline, Options o, Path out, IntConsumer progress) {
        for (int s : o.sources()) {
            if (s < 0 || s >= base.numCameras()) {
                throw new InputException("source camera " + s + " out of range: " + base.name() + " has " + base.numCameras() + " cameras");
            }
        }
        if (!base.hasBackgrounds()) throw new InputException(base.name() + ": no backgrounds (./mask3d prepare background makes them); the viewer shows the mask blend");
        if (!pipeline.hasMaskNet()) throw new InputException("the viewer export needs a MaskNet3d (the checkpoint has no mask network)");
        int end = o.end() < 0 ? base.numFrames() : o.end();
        if (end > base.numFrames()) throw new InputException("frames " + o.first() + ":" + end + " out of range: " + base.name() + " has " + base.numFrames() + " frames");
        Scene scene = ResizedScene.of(base, o.width(), o.height());
        int ref = o.sources()[0];
        long t0 = System.nanoTime();
        try (EvalSession s = new EvalSession(scene, o.sources(), o.planes(), pipeline, EvalSession.Mask2dSettings.defaults())) {
            Camera c0 = scene.cameras().get(ref);
            ViewerFolder.Writer w = new ViewerFolder.Writer(out, scene.name(), s.depths(), c0, ref, scene.cameras(), o.fps(), 0);
            w.background(s.backgroundMpi());
            for (int t = o.first(); t < end; t++) {
                EvalSession.FrameMpis f = s.frameMpis(t);
                w.frame(t, EvalSession.methodMpi(EvalMethod.MASK3D, f), f.dynamic(), f.mask3d());
                if (progress != null) progress.accept(t - o.first() + 1);
            }
            ViewerFolder folder = w.finish();
            int n = end - o.first();
            long bytes = folder.atlasBytes(), bg = folder.manifest().background() == null ? 0
                    : out.resolve(folder.manifest().background()).toFile().length();
            return new Result(folder, n, bytes, (bytes - bg) / n, (System.nanoTime() - t0) / 1e9 / n);
        }
    }
}
