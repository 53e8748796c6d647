package org.mask3d.cli;

import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.io.Images;
import org.mask3d.render.PlaneSweep;
import org.mask3d.viz.Volumes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "psv", mixinStandardHelpOptions = true,
        description = {"Build the plane-sweep volume of a scene folder (poses_bounds.npy, frames/camNN/ (or camNN/) frames, "
                + "optional background/camNN.png) into a reference camera and write a grid of plane slices plus the "
                + "views' disagreement per plane: correct poses make the scene agree on the plane at its depth.",
                "Depth bounds are the mask stage's: [0.9 min(near, far), 2 max(near, far)] over all cameras, 32 planes."},
        footer = {"", "Examples:",
                "  ./mask3d psv --scene runs/demo/scene",
                "  ./mask3d psv --scene data/scene018 --ref 4 --src 5 --frame 10 --out runs/psv-018",
                "  ./mask3d psv --scene runs/demo/scene --background --sampling pixel-centers"})
final class PsvCommand implements Callable<Integer> {
    @Option(names = "--scene", required = true, paramLabel = "PATH", description = "Scene: a folder, a packed scene or an authors' sceneNNN.h5.") Path scene;
    @Option(names = "--ref", defaultValue = "0", description = "Reference camera index (default: ${DEFAULT-VALUE}).") int ref;
    @Option(names = "--src", split = ",", description = "Other source camera indices (default: the next camera).") List<Integer> src;
    @Option(names = "--frame", defaultValue = "0", description = "Frame index (default: ${DEFAULT-VALUE}).") int frame;
    @Option(names = "--background", description = "Sweep the static backgrounds instead of the frame.") boolean background;
    @Option(names = "--planes", split = ",", description = "Planes to show (default: 0,8,16,24,31).") List<Integer> show;
    @Option(names = "--sampling", defaultValue = "released", description = "released (default, the align_corners quirk) or pixel-centers.") String sampling;
    @Option(names = "--out", defaultValue = "runs/psv", description = "Output folder (default: ${DEFAULT-VALUE}).") Path out;

    @Override public Integer call() {
        org.mask3d.data.Scene s = org.mask3d.data.Scenes.open(scene);
        List<Integer> views = new ArrayList<>();
        views.add(ref);
        views.addAll(src != null ? src : List.of((ref + 1) % s.numCameras()));
        for (int v : views) {
            if (v < 0 || v >= s.numCameras()) {
                throw new InputException("camera index " + v + " out of range: " + scene + " has " + s.numCameras() + " cameras");
            }
        }
        PlaneSweep.Sampling mode = switch (sampling) {
            case "released" -> PlaneSweep.Sampling.RELEASED;
            case "pixel-centers" -> PlaneSweep.Sampling.PIXEL_CENTERS;
            default -> throw new InputException("--sampling must be 'released' or 'pixel-centers', got '" + sampling + "'");
        };
        double[] bd = s.depthBounds();
        double[] depths = PlaneDepths.inverseLinear(bd[0], bd[1], PlaneDepths.DEFAULT_PLANES);
        List<float[]> imgs = new ArrayList<>();
        List<Camera> cams = new ArrayList<>();
        for (int v : views) {
            imgs.add(background ? s.background(v) : s.frame(v, frame));
            cams.add(s.cameras().get(v));
        }
        Camera r = s.cameras().get(ref);
        float[] psv = PlaneSweep.volume(imgs, cams, r, depths, mode);
        int[] chosen = (show != null ? show : List.of(0, 8, 16, 24, 31)).stream().mapToInt(Integer::intValue).toArray();
        for (int d : chosen) {
            if (d < 0 || d >= depths.length) throw new InputException("--planes: plane " + d + " out of range 0.." + (depths.length - 1));
        }
        Path file = out.resolve(String.format("psv_%s_ref%02d.png", background ? "background" : String.format("frame%05d", frame), ref));
        Images.writePng(file, Volumes.psvGrid(psv, views.size(), depths.length, r.height(), r.width(), chosen, depths));
        System.out.printf("plane-sweep volume of %s: cameras %s into cam %d, %dx%d, 32 planes, depths %.3f..%.3f, %s sampling%n",
                scene, views, ref, r.width(), r.height(), bd[0], bd[1], sampling);
        System.out.println("wrote " + file);
        return 0;
    }
}
