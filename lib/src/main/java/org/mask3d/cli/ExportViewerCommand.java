package org.mask3d.cli;

import me.tongfei.progressbar.ProgressBar;
import org.mask3d.InputException;
import org.mask3d.data.Scene;
import org.mask3d.data.Scenes;
import org.mask3d.data.WithBackgrounds;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.model.Device;
import org.mask3d.model.MaskPipeline;
import org.mask3d.render.Renderers;
import org.mask3d.render.ViewerFolder;
import org.mask3d.viz.ViewerPage;
import org.mask3d.workflow.ViewerExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "export-viewer", mixinStandardHelpOptions = true,
        description = {"Export a dynamic scene for the web viewer: for each frame the mask-blended MPI, the per-frame MPI and "
                + "the 3D mask volume, the background MPI once (8-bit PNG atlases), a manifest.json and the page index.html. "
                + "Open it with './mask3d view DIR'; small exports (atlases up to 32 MiB) also open from file:// (data.js). "
                + "Format: README, section Viewer."},
        footer = {"", "Examples:",
                "  ./mask3d export-viewer --scene data/scene018 --ckpt ckpts/3dmask.ckpt --frames 0:30 --out runs/viewer-018",
                "  ./mask3d export-viewer --scene runs/synth --ckpt runs/mask/checkpoints/last --frames 0:8 --size 320x180 --sources 2,3 --out runs/v"})
final class ExportViewerCommand implements Callable<Integer> {
    @Option(names = "--scene", required = true, paramLabel = "PATH", description = "The scene: a folder, a packed scene or an h5 file.") Path scene;
    @Option(names = "--bg-dir", paramLabel = "DIR", description = "Backgrounds: camNN.png, or any images taken in sorted order.") Path bgDir;
    @Option(names = "--ckpt", required = true, paramLabel = "PATH", description = "Weights: an official Lightning .ckpt or a mask3d checkpoint folder (with the mask network).") Path ckpt;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.") Path out;
    @Option(names = "--frames", paramLabel = "A:B", description = "Frames A (inclusive) to B (exclusive); default: all.") String frames;
    @Option(names = "--size", paramLabel = "WxH", defaultValue = "640x360", description = "MPI size (default: ${DEFAULT-VALUE}).") String size;
    @Option(names = "--sources", split = ",", paramLabel = "I,J", description = "The two source cameras, the first the reference (default: 4,5).") List<Integer> sources;
    @Option(names = "--planes", defaultValue = "" + PlaneDepths.DEFAULT_PLANES, description = "MPI planes (default: ${DEFAULT-VALUE}).") int planes;
    @Option(names = "--fps", defaultValue = "30", description = "Playback frame rate (default: ${DEFAULT-VALUE}).") double fps;
    @Option(names = "--device", defaultValue = "auto", description = "auto (default), cpu or gpu.") String device;
    @Option(names = "--overwrite", description = "Write into a folder that already holds an export.") boolean overwrite;

    @Override public Integer call() {
        int[] wh = RenderCommand.parseSize(size);
        int[] range = parseFrames(frames);
        int[] src = sources == null ? new int[]{4, 5} : sources.stream().mapToInt(Integer::intValue).toArray();
        ViewerExport.Options o = new ViewerExport.Options(wh[0], wh[1], src, range[0], range[1], planes, fps);
        if (Files.exists(out.resolve(ViewerFolder.MANIFEST)) && !overwrite) {
            throw new InputException(out + " already holds a viewer export: choose another --out or pass --overwrite");
        }
        Scene s = Scenes.open(scene);
        if (bgDir != null) s = new WithBackgrounds(s, bgDir);
        int end = range[1] < 0 ? s.numFrames() : range[1];
        System.out.printf("viewer export of %s: frames %d:%d, %dx%d, %d planes, sources %d (reference) and %d%n", s.name(), range[0], end,
                wh[0], wh[1], planes, src[0], src[1]);
        ViewerExport.Result r;
        try (MaskPipeline p = MaskPipeline.open(ckpt, "", Device.of(Renderers.forDevice(device)));
             ProgressBar pb = PrepareCommands.bar("export", Math.max(1, end - range[0]))) {
            r = ViewerPage.export(s, p, o, out, pb::stepTo);
        }
        System.out.printf(Locale.ROOT, "exported %d frames to %s: %.2f MB per frame (blend, per-frame, mask), %.2f MB in all, %.2f s per frame%n",
                r.frames(), out, r.bytesPerFrame() / 1e6, r.bytes() / 1e6, r.secondsPerFrame());
        System.out.println(howToOpen(out, r.folder()));
        return 0;
    }

    /** The lines that say how to open an export. */
    static String howToOpen(Path out, ViewerFolder f) {
        String s = "open it: ./mask3d view " + out + "   (then the printed URL in a browser)";
        if (Files.exists(out.resolve(ViewerFolder.DATA_JS))) s += "\n   or without a server: " + out.toAbsolutePath().resolve(ViewerPage.PAGE).toUri();
        return s;
    }

    /** "A:B" → {A, B}; null → {0, −1} (every frame). */
    static int[] parseFrames(String s) {
        if (s == null) return new int[]{0, -1};
        String[] p = s.split(":", -1);
        try {
            if (p.length != 2) throw new NumberFormatException();
            int a = p[0].isEmpty() ? 0 : Integer.parseInt(p[0].trim()), b = p[1].isEmpty() ? -1 : Integer.parseInt(p[1].trim());
            if (a < 0 || (b >= 0 && b <= a)) throw new NumberFormatException();
            return new int[]{a, b};
        } catch (NumberFormatException e) {
            throw new InputException("--frames must be A:B with 0 <= A < B (B exclusive; either may be left out), got " + org.mask3d.io.Untrusted.quote(s));
        }
    }
}
