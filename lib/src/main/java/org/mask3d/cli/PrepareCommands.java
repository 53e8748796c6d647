package org.mask3d.cli;

import me.tongfei.progressbar.ProgressBar;
import org.mask3d.InputException;
import org.mask3d.data.Backgrounds;
import org.mask3d.data.DatasetCheck;
import org.mask3d.data.PackedScene;
import org.mask3d.data.RenderPathFile;
import org.mask3d.data.VideoFolderScene;
import org.mask3d.geometry.Llff;
import org.mask3d.geometry.RenderPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** The {@code prepare} subcommands. */
final class PrepareCommands {
    private PrepareCommands() {}

    static ProgressBar bar(String task, int max) {
        return Progress.builder(task, max, 250).build();
    }

    @Command(name = "background", mixinStandardHelpOptions = true,
            description = "Write background/camNN.png for every camera of a scene folder: the per-pixel median of every "
                    + "N-th frame (released: 25), as gen_bg.py and collect_data.py do.",
            footer = {"", "Examples:", "  ./mask3d prepare background runs/synth", "  ./mask3d prepare background data/scene018 --stride 10"})
    static final class Background implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SCENE", description = "Scene folder.") Path scene;
        @Option(names = "--stride", defaultValue = "25", description = "Use every N-th frame (default: ${DEFAULT-VALUE}).") int stride;
        @Option(names = "--min-frames", defaultValue = "5", paramLabel = "N", description = "Refuse when fewer than N frames "
                + "feed the median: with fewer, moving objects stay in the background (default: ${DEFAULT-VALUE}).") int minFrames;
        @Option(names = "--overwrite", description = "Replace existing backgrounds (default: refuse).") boolean overwrite;

        @Override public Integer call() {
            if (stride < 1) throw new InputException("--stride must be at least 1, got " + stride);
            VideoFolderScene s = VideoFolderScene.open(scene);
            int used = (s.numFrames() + stride - 1) / stride;
            if (used < minFrames) {
                int suggest = Math.max(1, s.numFrames() / minFrames);
                throw new InputException(scene + ": every " + stride + "-th of " + s.numFrames() + " frames gives the median only "
                        + used + " frame(s), fewer than --min-frames " + minFrames + " (moving objects would stay in the background): "
                        + (s.numFrames() >= minFrames ? "use --stride " + suggest + " (" + ((s.numFrames() + suggest - 1) / suggest) + " frames)"
                        : "the clip has only " + s.numFrames() + " frames: extract more (prepare video --skip) or pass --min-frames "
                        + s.numFrames() + " --stride 1") + "; nothing was written");
            }
            refuseExisting(scene.resolve("background"), overwrite, "backgrounds");
            System.out.printf("median background of %d cameras from %d of %d frames (every %d-th)%n", s.numCameras(), used, s.numFrames(), stride);
            try (ProgressBar pb = bar("background", s.numCameras())) {
                Backgrounds.write(s, stride, pb::stepTo);
            }
            System.out.println("wrote " + scene.resolve("background"));
            return 0;
        }
    }

    @Command(name = "render-frames", mixinStandardHelpOptions = true,
            description = {"The released rendering layout (prepare_data.sh = collect_data.py + imgs2renderpath.py): "
                    + "OUT/<frame>/images/<cam>.png and OUT/<frame>/poses_bounds.npy for frames START..END-1, and the LLFF "
                    + "render path (270 poses, axes [right, up, back]) in OUT/<START>/qual_path.txt."},
            footer = {"", "Examples:", "  ./mask3d prepare render-frames runs/synth --out runs/synth-frames",
                    "  ./mask3d prepare render-frames data/scene018 --out data/scene018-render --start 100 --end 160"})
    static final class RenderFrames implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SCENE", description = "Scene folder.") Path scene;
        @Option(names = "--out", required = true, description = "Output folder.") Path out;
        @Option(names = "--start", defaultValue = "0", description = "First frame (default: ${DEFAULT-VALUE}).") int start;
        @Option(names = "--end", description = "One past the last frame (default: all).") Integer end;

        @Override public Integer call() throws IOException {
            VideoFolderScene s = VideoFolderScene.open(scene);
            int e = end == null ? s.numFrames() : end;
            if (start < 0 || e > s.numFrames() || start >= e) {
                throw new InputException("--start/--end must satisfy 0 <= start < end <= " + s.numFrames() + ", got " + start + ".." + e);
            }
            try (ProgressBar pb = bar("frames", e - start)) {
                for (int t = start; t < e; t++) {
                    Path fd = out.resolve(String.format("%05d", t));
                    Files.createDirectories(fd.resolve("images"));
                    for (int c = 0; c < s.numCameras(); c++) {
                        Path src = s.framePath(c, t);
                        String ext = src.getFileName().toString().replaceAll("^.*\\.", ".");
                        Files.copy(src, fd.resolve("images").resolve(String.format("%03d", c) + ext), StandardCopyOption.REPLACE_EXISTING);
                    }
                    Files.copy(scene.resolve("poses_bounds.npy"), fd.resolve("poses_bounds.npy"), StandardCopyOption.REPLACE_EXISTING);
                    pb.stepTo(t - start + 1);
                }
            }
            List<RenderPathFile.Pose> poses = new ArrayList<>();
            Llff.PoseBounds first = s.poses().get(0);
            for (double[] c2w : RenderPath.generate(s.poses())) poses.add(new RenderPathFile.Pose(c2w, first.h(), first.w(), first.f()));
            Path qp = out.resolve(String.format("%05d", start)).resolve("qual_path.txt");
            RenderPathFile.write(qp, poses);
            System.out.printf("wrote %d frame folders to %s and %d render-path poses to %s%n", e - start, out, poses.size(), qp);
            return 0;
        }
    }

    @Command(name = "pack", mixinStandardHelpOptions = true,
            description = "Pack a scene folder into mask3d's training format: raw uint8 frames, backgrounds and mattes "
                    + "read with one positional read per image (no decoding).",
            footer = {"", "Examples:", "  ./mask3d prepare pack runs/synth --out runs/synth-pack"})
    static final class Pack implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SCENE", description = "Scene folder.") Path scene;
        @Option(names = "--out", required = true, description = "Output folder.") Path out;
        @Option(names = "--overwrite", description = "Replace an existing packed scene in --out (default: refuse).") boolean overwrite;

        @Override public Integer call() {
            refuseInside(out, scene, "--out");
            refuseExisting(out.resolve("pack.txt"), overwrite, "a packed scene");
            refuseExisting(out.resolve("frames.u8"), overwrite, "a packed scene");
            VideoFolderScene s = VideoFolderScene.open(scene);
            long t0 = System.nanoTime();
            try (ProgressBar pb = bar("pack", s.numCameras() * s.numFrames())) {
                PackedScene.pack(s, s.poses(), out, pb::stepTo);
            }
            System.out.printf("packed %d cameras x %d frames (%dx%d%s) into %s in %.1f s%n", s.numCameras(), s.numFrames(),
                    s.width(), s.height(), s.hasForeground() ? ", with mattes" : "", out, (System.nanoTime() - t0) / 1e9);
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Scan a dataset (a scene folder, a packed scene, an authors' h5 scene, or a folder of them; or "
                    + "RealEstate10K camera files with --frames) and report every problem at once. Exit 0 when all is "
                    + "well, 1 when anything is wrong.",
            footer = {"", "Examples:", "  ./mask3d prepare check runs/synth", "  ./mask3d prepare check data/",
                    "  ./mask3d prepare check RealEstate10K/train --frames frames/train"})
    static final class Check implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PATH", description = "What to scan.") Path path;
        @Option(names = "--frames", paramLabel = "DIR", description = "PATH holds RealEstate10K camera files (*.txt) whose "
                + "frames are in DIR/<sequence>/: check them (sequences the stage-1 sampler cannot use are listed).") Path frames;

        @Override public Integer call() {
            if (frames != null) {
                org.mask3d.data.RealEstate10K.Scan scan = org.mask3d.data.RealEstate10K.scan(path, frames,
                        org.mask3d.data.RealEstate10K.SAMPLER_MIN_FRAMES);
                for (String p : scan.pruned()) System.out.println("  - " + p);
                System.out.printf("%d usable RealEstate10K sequence(s) (more than %d frames, as many images as camera lines), "
                        + "%d problem(s)%n", scan.usable().size(), scan.minFrames(), scan.pruned().size());
                return scan.pruned().isEmpty() ? 0 : 1;
            }
            List<DatasetCheck.Report> reports = DatasetCheck.scan(path);
            int bad = 0, problems = 0;
            for (DatasetCheck.Report r : reports) {
                if (r.ok()) {
                    System.out.printf("ok       %s (%s): %s%n", r.path(), r.kind(), r.summary());
                } else {
                    bad++;
                    problems += r.problems().size();
                    System.out.printf("PROBLEMS %s (%s):%n", r.path(), r.kind());
                    for (String p : r.problems()) System.out.println("  - " + p);
                }
            }
            System.out.printf("%d of %d item(s) ok, %d problem(s)%n", reports.size() - bad, reports.size(), problems);
            return bad == 0 ? 0 : 1;
        }
    }

    @Command(name = "video", mixinStandardHelpOptions = true,
            description = {"Extract frames from per-camera videos into a scene folder: every N-th frame (the authors keep "
                    + "every 4th of their 120 fps rig videos) of each video to SCENE/frames/camNN/00000.png …, resized with "
                    + "a proper filter. Videos are taken in sorted file-name order: the i-th video becomes camNN with NN = i "
                    + "(as the released scripts index cameras by position). Needs Debian's ffmpeg.",
                    "Then: ./mask3d poses SCENE (COLMAP), ./mask3d prepare background SCENE."},
            footer = {"", "Examples:", "  ./mask3d prepare video --videos raw/scene018 --out data/scene018 --skip 4 --size 640x360",
                    "  ./mask3d prepare video --videos clips --out data/clips --skip 1"})
    static final class Video implements Callable<Integer> {
        @Option(names = "--videos", required = true, description = "Folder of per-camera videos (.mp4, .mov, .avi, .mkv).") Path videos;
        @Option(names = "--out", required = true, description = "Scene folder to write.") Path out;
        @Option(names = "--skip", defaultValue = "4", description = "Keep every N-th frame (default: ${DEFAULT-VALUE}).") int skip;
        @Option(names = "--size", description = "WxH to resize to (default: keep the size).") String size;
        @Option(names = "--filter", defaultValue = "lanczos", description = "area or lanczos (default: ${DEFAULT-VALUE}).") String filter;
        @Option(names = "--overwrite", description = "Replace the frames of an existing scene in --out (its background/ and "
                + "poses_bounds.npy are then stale: redo them; default: refuse).") boolean overwrite;

        @Override public Integer call() throws IOException {
            if (!java.nio.file.Files.isDirectory(videos)) throw new InputException("video folder not found: " + videos);
            List<Path> files;
            try (var s = java.nio.file.Files.list(videos)) {
                files = s.filter(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).matches(".*\\.(mp4|mov|avi|mkv)"))
                        .sorted().toList();
            }
            if (files.isEmpty()) throw new InputException(videos + ": no videos (.mp4, .mov, .avi, .mkv)");
            refuseExisting(out.resolve("frames"), overwrite, "a scene's frames");
            int[] wh = size == null ? new int[]{0, 0} : RenderCommand.parseSize(size);
            int w = wh[0], h = wh[1];
            org.mask3d.io.FfmpegFrames.Filter f = switch (filter) {
                case "area" -> org.mask3d.io.FfmpegFrames.Filter.AREA;
                case "lanczos" -> org.mask3d.io.FfmpegFrames.Filter.LANCZOS;
                default -> throw new InputException("--filter must be 'area' or 'lanczos', got '" + filter + "'");
            };
            int[] counts = new int[files.size()];
            try (ProgressBar pb = bar("videos", files.size())) {
                for (int i = 0; i < files.size(); i++) {
                    counts[i] = org.mask3d.io.FfmpegFrames.extractEvery(files.get(i), skip, w, h, f,
                            out.resolve("frames").resolve(String.format("cam%02d", i)));
                    pb.stepTo(i + 1);
                }
            }
            for (int i = 0; i < files.size(); i++) {
                System.out.printf("  cam%02d <- %s: %d frames%n", i, files.get(i).getFileName(), counts[i]);
            }
            int min = java.util.Arrays.stream(counts).min().orElse(0), max = java.util.Arrays.stream(counts).max().orElse(0);
            if (min != max) {
                System.out.printf("warning: the cameras have %d to %d frames; a scene needs the same count per camera: trim "
                        + "the videos to a common range%n", min, max);
            }
            System.out.println("wrote " + out.resolve("frames") + "; next: ./mask3d poses " + out + " and ./mask3d prepare background " + out);
            return min == max ? 0 : 1;
        }
    }

    @Command(name = "n3dv", mixinStandardHelpOptions = true,
            description = {"Decode a Neural 3D Video (N3DV) scene once into a scene folder: IN holds cam00.mp4 … camNN.mp4 "
                    + "(gaps allowed: cameras that failed calibration are missing) and poses_bounds.npy (LLFF, one row per present "
                    + "video, in camera-number order). Writes OUT/frames/camNN/00000.png … (names kept), OUT/poses_bounds.npy, "
                    + "OUT/background/camNN.png (N3DV has no backgrounds: the temporal median of the chosen frames) and OUT/n3dv.txt "
                    + "(test camera, frames, size). Needs Debian's ffmpeg.",
                    "N3DV frames are 2704x2028; methods work at 1352x1014 (--scale 0.5). cam00 is held out for testing by "
                    + "convention. ./mask3d evaluate --set data=IN reads the videos directly, decoded at img_wh."},
            footer = {"", "Examples:", "  ./mask3d prepare n3dv data/n3dv/flame_steak data/flame_steak --scale 0.5",
                    "  ./mask3d prepare n3dv data/n3dv/coffee_martini data/coffee_300 --size 1352x1014 --frames 0:300"})
    static final class N3dv implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "IN", description = "N3DV scene folder (camNN.mp4 + poses_bounds.npy).") Path in;
        @Parameters(index = "1", paramLabel = "OUT", description = "Scene folder to write.") Path out;
        @Option(names = "--size", paramLabel = "WxH", description = "Frame size to decode at (default: the videos' own).") String size;
        @Option(names = "--scale", description = "Scale the videos' size by this factor (0.5: 2704x2028 -> 1352x1014).") Double scale;
        @Option(names = "--frames", paramLabel = "A:B", description = "Frames A..B-1 of every video (default: all of the shortest).") String frames;
        @Option(names = "--test-camera", defaultValue = "cam00", description = "The held-out test camera (default: ${DEFAULT-VALUE}).") String testCamera;
        @Option(names = "--background-stride", defaultValue = "0", description = "Background median of every N-th frame "
                + "(default: 0, about 15 frames spread over the range).") int bgStride;

        @Override public Integer call() {
            refuseInside(out, in, "OUT");
            if (size != null && scale != null) throw new InputException("give --size or --scale, not both");
            int start = 0, end = 0;
            if (frames != null) {
                String[] ab = frames.split(":", -1);
                try {
                    if (ab.length != 2) throw new NumberFormatException();
                    start = ab[0].isEmpty() ? 0 : Integer.parseInt(ab[0].trim());
                    end = ab[1].isEmpty() ? 0 : Integer.parseInt(ab[1].trim());
                } catch (NumberFormatException e) {
                    throw new InputException("--frames must be A:B (frames A..B-1), got " + org.mask3d.io.Untrusted.quote(frames));
                }
            }
            int w = 0, h = 0;
            if (size != null) {
                int[] wh = RenderCommand.parseSize(size);
                w = wh[0];
                h = wh[1];
            }
            org.mask3d.data.N3dvScene.Options o = new org.mask3d.data.N3dvScene.Options(w, h, start, end, testCamera, bgStride);
            if (scale != null) {
                if (!(scale > 0 && scale <= 1)) throw new InputException("--scale must be in (0, 1], got " + scale);
                org.mask3d.data.N3dvScene probe = org.mask3d.data.N3dvScene.open(in, o);
                // 2704x2028 * 0.5 = 1352x1014
                o = o.withSize((int) Math.round(probe.width() * scale), (int) Math.round(probe.height() * scale));
            }
            org.mask3d.data.N3dvScene s = org.mask3d.data.N3dvScene.open(in, o);
            System.out.printf("N3DV %s: %d cameras (%s), held-out test camera %s (index %d), frames %d:%d, %dx%d%n", in,
                    s.numCameras(), String.join(", ", s.cameraNames()), s.testCameraName(), s.testCamera(), o.frameStart(),
                    o.frameStart() + s.numFrames(), s.width(), s.height());
            for (String note : s.notes()) System.out.println(note);
            long t0 = System.nanoTime();
            try (ProgressBar pb = bar("n3dv", s.numCameras())) {
                s.writeSceneFolder(out, pb::stepTo);
            }
            System.out.printf("wrote %s in %.1f s (camera names kept; n3dv.txt records the test camera)%n", out, (System.nanoTime() - t0) / 1e9);
            return 0;
        }
    }

    /**
     * Refuses to replace an existing output {@code p} (a file, or a non-empty folder) unless {@code overwrite}, before
     * anything is written.
     */
    static void refuseExisting(Path p, boolean overwrite, String what) {
        boolean exists;
        try (var l = Files.isDirectory(p) ? Files.list(p) : null) {
            exists = l != null ? l.findAny().isPresent() : Files.exists(p);
        } catch (IOException e) {
            exists = true;
        }
        if (exists && !overwrite) {
            throw new InputException(p + " already exists (" + what + "): pass --overwrite to replace it (nothing was written)");
        }
    }

    /**
     * Refuses an output folder that is the input folder or inside it (links resolved as far as the path exists), before
     * anything is written.
     */
    static void refuseInside(Path out, Path input, String option) {
        Path o = real(out), in = real(input);
        if (o.equals(in) || o.startsWith(in)) {
            throw new InputException(option + " " + out + " is " + (o.equals(in) ? "the input folder " : "inside the input folder ") + input
                    + ": choose an output folder outside it (nothing was written)");
        }
    }

    /** The real path of {@code p}'s longest existing ancestor, with the rest appended (absolute, normalised). */
    private static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize(), base = abs;
        java.util.ArrayDeque<String> rest = new java.util.ArrayDeque<>();
        while (base != null && !java.nio.file.Files.exists(base)) {
            if (base.getFileName() != null) rest.push(base.getFileName().toString());
            base = base.getParent();
        }
        try {
            Path r = base == null ? abs.getRoot() : base.toRealPath();
            for (String n : rest) r = r.resolve(n);
            return r;
        } catch (java.io.IOException e) {
            return abs;
        }
    }
}
