package org.mask3d.cli;

import me.tongfei.progressbar.ProgressBar;
import org.mask3d.data.SyntheticRig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Generate the built-in synthetic dynamic dataset: an outdoor-like scene with a rolling ball and a "
                + "walker, filmed by a grid of static cameras (default 2 x 5 = 10, 8 cm apart, 90 deg horizontal "
                + "field of view), ray-cast with exact geometry and deterministic from the seed.",
                "Writes the multi-camera folder layout (poses_bounds.npy, frames/camNN/, background/camNN.png) plus "
                        + "the truth: foreground/camNN/ RGBA mattes, depth/camNN/*.npy z-depth, rig.txt."},
        footer = {"", "Examples:",
                "  ./mask3d synth --out runs/synth",
                "  ./mask3d synth --out runs/synth-small --width 160 --height 90 --frames 10 --seed 3",
                "  ./mask3d synth --out runs/synth-row --rows 1 --cols 4 --spacing 0.12"})
final class SynthCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.") Path out;
    @Option(names = "--width", defaultValue = "320", description = "Image width (default: ${DEFAULT-VALUE}).") int width;
    @Option(names = "--height", defaultValue = "180", description = "Image height (default: ${DEFAULT-VALUE}).") int height;
    @Option(names = "--rows", defaultValue = "2", description = "Camera grid rows (default: ${DEFAULT-VALUE}).") int rows;
    @Option(names = "--cols", defaultValue = "5", description = "Camera grid columns (default: ${DEFAULT-VALUE}).") int cols;
    @Option(names = "--spacing", defaultValue = "0.08", description = "Camera spacing in metres (default: ${DEFAULT-VALUE}).") double spacing;
    @Option(names = "--frames", defaultValue = "30", description = "Frames (default: ${DEFAULT-VALUE}).") int frames;
    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--threads", description = "Worker threads (default: all cores).") Integer threads;

    @Override public Integer call() {
        SyntheticRig.Options o;
        try {
            o = new SyntheticRig.Options(width, height, rows, cols, spacing, frames, seed);
        } catch (IllegalArgumentException e) {
            throw new org.mask3d.InputException(e.getMessage());
        }
        int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        org.mask3d.io.MemoryLimit.estimate("synth at " + width + "x" + height)
                .heap("ray-cast views in flight (" + workers + " workers: colour, depth, matte and 8-bit copies, 48 B a pixel)",
                        org.mask3d.io.MemoryLimit.product(width, height, 48, Math.max(1, workers)))
                .require("choose a smaller --width/--height");
        if ((long) width * height * 4 > Integer.MAX_VALUE - 8) {
            throw new org.mask3d.InputException("synth: --width x --height = " + width + "x" + height + " is more than a Java array holds");
        }
        SyntheticRig rig = new SyntheticRig(o);
        int views = rig.numCameras() * frames;
        System.out.printf("synthetic rig: %d cameras (%dx%d grid, %.2f m), %d frames at %dx%d, seed %d%n",
                rig.numCameras(), rows, cols, spacing, frames, width, height, seed);
        long t0 = System.nanoTime();
        try (ProgressBar pb = Progress.builder("synth", views, 250).build()) {
            rig.write(out, threads != null ? threads : Runtime.getRuntime().availableProcessors(), pb::stepTo);
        }
        double[] bd = rig.depthBounds();
        System.out.printf("wrote %s in %.1f s (depth bounds for the MPI: %.2f .. %.2f)%n", out, (System.nanoTime() - t0) / 1e9, bd[0], bd[1]);
        return 0;
    }
}
