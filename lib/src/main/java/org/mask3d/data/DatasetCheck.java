package org.mask3d.data;

import org.mask3d.InputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Scans a dataset path and reports every problem at once, instead of stopping at the first: a scene folder
 * ({@code poses_bounds.npy} + camera folders), a packed scene ({@code pack.txt}), an authors' h5 scene, or a folder
 * holding such scenes (h5 files directly in it or one folder down, the released layout). A synthetic scene whose
 * writing stopped ({@code rig.txt} without {@code poses_bounds.npy}) is reported as partial.
 */
public final class DatasetCheck {
    private DatasetCheck() {}

    /** What {@link SyntheticRig#write} writes first (its {@code poses_bounds.npy} comes last). */
    private static final String SYNTH_MARKER = "rig.txt";

    /** One scanned item: what it is, a summary when it opens, and its problems. */
    public record Report(Path path, String kind, String summary, List<String> problems) {
        public boolean ok() { return problems.isEmpty(); }
    }

    public static List<Report> scan(Path path) {
        List<Report> out = new ArrayList<>();
        if (!Files.exists(path)) {
            out.add(new Report(path, "missing", "", List.of("not found: " + path)));
            return out;
        }
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".h5")) {
            out.add(checkH5(path));
        } else if (Files.exists(path.resolve("pack.txt"))) {
            out.add(checkPacked(path));
        } else if (N3dvScene.isN3dv(path)) {
            out.add(checkN3dv(path));
        } else if (Files.exists(path.resolve("poses_bounds.npy"))) {
            out.add(checkFolder(path));
        } else if (Files.isRegularFile(path.resolve(SYNTH_MARKER))) {
            out.add(new Report(path, "synthetic scene", "", List.of(path + ": partial synthetic scene: " + SYNTH_MARKER
                    + " but no poses_bounds.npy, which synth writes last (it was interrupted or the disk was full); "
                    + "write it again with ./mask3d synth --out " + path + " and the values in " + SYNTH_MARKER)));
        } else if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                for (Path p : s.sorted().toList()) {
                    if (Files.isDirectory(p) && (Files.exists(p.resolve("pack.txt")) || Files.exists(p.resolve("poses_bounds.npy"))
                            || Files.exists(p.resolve(SYNTH_MARKER)))) {
                        out.addAll(scan(p));
                    }
                }
                for (int depth = 1; depth <= 2; depth++) for (Path h5 : Scenes.h5Under(path, depth)) out.add(checkH5(h5));
            } catch (IOException e) {
                out.add(new Report(path, "folder", "", List.of("cannot list " + path + ": " + e.getMessage())));
            }
            if (out.isEmpty()) {
                out.add(new Report(path, "folder", "", List.of(path + ": no scene found (a scene folder has poses_bounds.npy "
                        + "and frames/camNN/; a packed scene has pack.txt; an authors' scene is sceneNNN.h5 + sceneNNN_pb.npy)")));
            }
        } else {
            out.add(new Report(path, "file", "", List.of(path + ": not a dataset (expected a scene folder, a packed scene, or a folder of them)")));
        }
        return out;
    }

    private static Report checkFolder(Path dir) {
        List<String> problems = VideoFolderScene.check(dir);
        String summary = "";
        if (problems.isEmpty()) {
            VideoFolderScene s = VideoFolderScene.open(dir);
            double[] bd = s.depthBounds();
            summary = String.format("%d cameras, %d frames, %dx%d, backgrounds: %s, mattes: %s, MPI depths %.2f..%.2f",
                    s.numCameras(), s.numFrames(), s.width(), s.height(), s.hasBackgrounds() ? "yes" : "no",
                    s.hasForeground() ? "yes" : "no", bd[0], bd[1]);
        }
        return new Report(dir, "scene folder", summary, problems);
    }

    private static Report checkN3dv(Path dir) {
        try {
            N3dvScene s = N3dvScene.open(dir, N3dvScene.Options.defaults());
            double[] bd = s.depthBounds();
            return new Report(dir, "N3DV folder", String.format("%d cameras (%s), held-out %s, %d frames, %dx%d (methods work at "
                            + "half size: --scale 0.5), no backgrounds (prepare n3dv makes them), MPI depths %.2f..%.2f",
                    s.numCameras(), String.join(", ", s.cameraNames()), s.testCameraName(), s.numFrames(), s.width(), s.height(),
                    bd[0], bd[1]), List.of());
        } catch (InputException e) {
            return new Report(dir, "N3DV folder", "", List.of(e.getMessage()));
        }
    }

    private static Report checkH5(Path file) {
        try (AuthorsH5Scene s = AuthorsH5Scene.open(file)) {
            double[] bd = s.depthBounds();
            String summary = String.format("%d cameras, %d frames, %dx%d, chunks %s, filters %s, MPI depths %.2f..%.2f",
                    s.numCameras(), s.numFrames(), s.width(), s.height(), java.util.Arrays.toString(s.chunkShape(AuthorsH5Scene.RGB)),
                    s.filters(AuthorsH5Scene.RGB), bd[0], bd[1]);
            return new Report(file, "authors' h5 scene", summary, List.of());
        } catch (InputException e) {
            return new Report(file, "authors' h5 scene", "", List.of(e.getMessage()));
        }
    }

    private static Report checkPacked(Path dir) {
        try (PackedScene s = PackedScene.open(dir)) {
            return new Report(dir, "packed scene", String.format("%d cameras, %d frames, %dx%d, mattes: %s",
                    s.numCameras(), s.numFrames(), s.width(), s.height(), s.hasForeground() ? "yes" : "no"), List.of());
        } catch (InputException e) {
            return new Report(dir, "packed scene", "", List.of(e.getMessage()));
        }
    }
}
