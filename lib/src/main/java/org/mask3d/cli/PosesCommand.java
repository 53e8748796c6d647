package org.mask3d.cli;

import org.mask3d.InputException;
import org.mask3d.data.ColmapPoses;
import org.mask3d.geometry.Llff;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "poses", mixinStandardHelpOptions = true,
        description = {"Camera poses of a static multi-camera rig by COLMAP (Debian package 'colmap'), as the released "
                + "get_pose.py does: one frame per camera (FOLDER/frames/camNN/ or FOLDER/camNN/), SIMPLE_PINHOLE "
                + "per image, affine SIFT, guided exhaustive matching, mapper with init_min_tri_angle 4; writes LLFF "
                + "poses_bounds.npy with each camera's focal length and near/far = 1st/99.9th percentile of the depths "
                + "of the points it sees.",
                "COLMAP runs on the CPU; its log goes to WORKDIR/colmap_output.txt."},
        footer = {"", "Examples:",
                "  ./mask3d poses data/myrig",
                "  ./mask3d poses data/myrig --frame 10 --workdir /tmp/myrig-colmap --out data/myrig/poses_bounds.npy",
                "  ./mask3d poses data/myrig --focal 320 --min-tri-angle 1 --overwrite",
                "  ./mask3d psv --scene data/myrig        # then check the poses by eye"})
final class PosesCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FOLDER", description = "Scene folder with one folder per camera.") Path folder;
    @Option(names = "--frame", defaultValue = "0", description = "Frame of each camera to use, counting from 0 in name order (default: ${DEFAULT-VALUE}).") int frame;
    @Option(names = "--workdir", paramLabel = "DIR", description = "COLMAP work folder (default: FOLDER/colmap).") Path workdir;
    @Option(names = "--out", paramLabel = "FILE", description = "Where to write poses_bounds.npy (default: FOLDER/poses_bounds.npy).") Path out;
    @Option(names = "--threads", defaultValue = "-1", description = "Threads per COLMAP step (default: all cores).") int threads;
    @Option(names = "--colmap", defaultValue = "colmap", paramLabel = "EXE", description = "COLMAP executable (default: ${DEFAULT-VALUE} on PATH).") String colmap;
    @Option(names = "--focal", paramLabel = "PX", description = "Known focal length in pixels of the frames: fixes the intrinsics (principal point at the centre) and solves poses only (default: estimate per camera, as released).") Double focal;
    @Option(names = "--min-tri-angle", defaultValue = "4", paramLabel = "DEG", description = "Mapper init_min_tri_angle in degrees (default: ${DEFAULT-VALUE}, as released; lower it for a small-baseline rig of parallel cameras).") double minTriAngle;

    @Option(names = "--attempts", defaultValue = "3", paramLabel = "N", description = "Mapper runs before giving up, each with "
            + "another seed and, after the first, half the previous --min-tri-angle (default: ${DEFAULT-VALUE}).") int attempts;
    @Option(names = "--overwrite", description = "Replace an existing poses_bounds.npy (default: refuse).") boolean overwrite;

    @Override public Integer call() {
        Path target = out != null ? out : folder.resolve("poses_bounds.npy");
        if (!overwrite && java.nio.file.Files.exists(target)) {
            throw new InputException(target + " already exists: pass --overwrite to replace it (nothing was run)");
        }
        ColmapPoses.Options o = new ColmapPoses.Options(colmap, frame, workdir, out, threads, minTriAngle,
                focal == null ? Double.NaN : focal, attempts);
        ColmapPoses.Result r = ColmapPoses.run(folder, o, line -> System.out.println("poses: " + line));
        System.out.println("camera      focal (px)    near       far   centre (COLMAP world)");
        for (int i = 0; i < r.poses().size(); i++) {
            Llff.PoseBounds p = r.poses().get(i);
            double[] c = p.c2w();
            System.out.printf("%-8s %10.2f %9.4f %9.4f   (%.4f, %.4f, %.4f)%n", r.cameraNames().get(i), p.f(), p.near(), p.far(),
                    c[3], c[7], c[11]);
        }
        System.out.printf("wrote %s (%d cameras, %dx%d) in %.1f s; COLMAP work folder %s%n", r.out(), r.poses().size(),
                (int) r.poses().get(0).w(), (int) r.poses().get(0).h(), r.seconds(), r.workDir());
        return 0;
    }
}
