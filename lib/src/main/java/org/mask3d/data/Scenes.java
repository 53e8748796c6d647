package org.mask3d.data;

import org.mask3d.InputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Opens any dynamic-scene source by what the path holds. */
public final class Scenes {
    private Scenes() {}

    /**
     * One scene: a packed scene ({@code pack.txt}), an authors' h5 file ({@code sceneNNN.h5} with its
     * {@code _pb.npy}), an N3DV folder ({@code camNN.mp4} beside {@code poses_bounds.npy}, decoded on demand at the
     * videos' size, cam00 held out), or a multi-camera folder ({@code poses_bounds.npy}).
     */
    public static Scene open(Path path) {
        if (!Files.exists(path)) throw new InputException("scene not found: " + path);
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".h5")) return AuthorsH5Scene.open(path);
        if (Files.exists(path.resolve("pack.txt"))) return PackedScene.open(path);
        if (N3dvScene.isN3dv(path)) return N3dvScene.open(path, N3dvScene.Options.defaults());
        if (Files.exists(path.resolve("poses_bounds.npy")) || Files.isDirectory(path)) return VideoFolderScene.open(path);
        throw new InputException("not a scene: " + path + " (expected a folder with poses_bounds.npy, a packed scene with "
                + "pack.txt, or an authors' sceneNNN.h5)");
    }

    /**
     * Every scene under a dataset root: the path itself if it is one scene; else its sub-folders that are scenes,
     * plus the authors' h5 files in the released {@code ROOT/*}{@code /*.h5} layout or directly in ROOT.
     */
    public static List<Scene> openAll(Path root) {
        if (Files.isRegularFile(root) || Files.exists(root.resolve("pack.txt")) || Files.exists(root.resolve("poses_bounds.npy"))) {
            return List.of(open(root));
        }
        if (!Files.isDirectory(root)) throw new InputException("dataset not found: " + root);
        List<Scene> out = new ArrayList<>();
        try (var s = Files.list(root)) {
            for (Path p : s.sorted().toList()) {
                if (Files.isDirectory(p) && (Files.exists(p.resolve("pack.txt")) || Files.exists(p.resolve("poses_bounds.npy")))) {
                    out.add(open(p));
                }
            }
        } catch (java.io.IOException e) {
            throw new InputException("cannot list " + root + ": " + e.getMessage(), e);
        }
        for (AuthorsH5Scene.Layout layout : AuthorsH5Scene.Layout.values()) {
            if (!h5Under(root, layout == AuthorsH5Scene.Layout.FLAT ? 1 : 2).isEmpty()) {
                for (Path h5 : AuthorsH5Scene.findAll(root, layout)) out.add(AuthorsH5Scene.open(h5));
            }
        }
        if (out.isEmpty()) {
            throw new InputException(root + ": no scene found (scene folders with poses_bounds.npy, packed scenes with "
                    + "pack.txt, or sceneNNN.h5 files)");
        }
        return out;
    }

    /** The .h5 files exactly {@code depth} levels below {@code root} (1 = directly in it). */
    static List<Path> h5Under(Path root, int depth) {
        try (var s = Files.find(root, depth, (p, a) -> a.isRegularFile() && p.getFileName().toString().endsWith(".h5")
                && p.getNameCount() - root.getNameCount() == depth)) {
            return s.sorted().toList();
        } catch (java.io.IOException e) {
            throw new InputException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }
}
