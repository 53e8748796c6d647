package org.mask3d.cli;

import me.tongfei.progressbar.ProgressBar;
import org.mask3d.InputException;
import org.mask3d.data.Scene;
import org.mask3d.data.Scenes;
import org.mask3d.io.AtomicFiles;
import org.mask3d.io.ConfigFile;
import org.mask3d.io.FfmpegFrames;
import org.mask3d.io.Gif;
import org.mask3d.model.MaskNet3d;
import org.mask3d.model.MpiNet3d;
import org.mask3d.render.MpiRenderer;
import org.mask3d.render.Renderers;
import org.mask3d.workflow.NovelViewVideo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "render", mixinStandardHelpOptions = true,
        description = {"Render a novel-view video of a dynamic scene, as the released render_llff_video.py: the camera "
                + "follows the LLFF path of the rig (30 poses per component, 270 in all) while the frames loop; each "
                + "image is the mask-blended MPI of two source cameras (released default 4 and 5). Weights come from an "
                + "official Lightning .ckpt (models.mpi_net.*, models.mask_net.*) or a mask3d checkpoint folder.",
                "Config keys (released): root_dir, bg_dir, out_dir, ckpt_path, img_wh; (mask3d): indices, mode "
                        + "(blend|frame|background), device (auto|cpu|gpu), path_n, max_views, fps. Options override the file."},
        footer = {"", "Examples:",
                "  ./mask3d render --config configs/render_video.txt",
                "  ./mask3d render --scene data/scene018 --ckpt ckpts/3dmask.ckpt --out runs/video-018 --indices 4,5",
                "  ./mask3d render --scene runs/synth --ckpt runs/mask/checkpoints/last --mode frame --max-views 60"})
final class RenderCommand implements Callable<Integer> {
    static final Set<String> KEYS = Set.of("root_dir", "bg_dir", "out_dir", "ckpt_path", "img_wh", "indices", "mode", "device",
            "path_n", "max_views", "fps");

    @Option(names = "--config", paramLabel = "FILE", description = "A render config (configs/render_video.txt).") Path config;
    @Option(names = "--scene", paramLabel = "PATH", description = "The scene (root_dir): a folder, a packed scene or an h5 file.") Path scene;
    @Option(names = "--bg-dir", paramLabel = "DIR", description = "Backgrounds (bg_dir): camNN.png, or any images taken in sorted order.") Path bgDir;
    @Option(names = "--ckpt", paramLabel = "PATH", description = "Weights (ckpt_path).") Path ckpt;
    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (out_dir).") Path out;
    @Option(names = "--size", paramLabel = "WxH", description = "Output size (img_wh; default 640x360).") String size;
    @Option(names = "--indices", split = ",", description = "The two source cameras (default 4,5).") List<Integer> indices;
    @Option(names = "--mode", description = "blend (default), frame (no mask) or background.") String mode;
    @Option(names = "--device", description = "Renderer: auto (default), cpu or gpu.") String device;
    @Option(names = "--path-n", description = "Path poses per component (default 30).") Integer pathN;
    @Option(names = "--max-views", description = "Stop after this many views (default: the whole path).") Integer maxViews;
    @Option(names = "--fps", description = "Video frame rate (default 30).") Double fps;
    @Option(names = "--overwrite", description = "Write into an output folder that already has frames.") boolean overwrite;

    @Override public Integer call() {
        ConfigFile cfg = config == null ? null : ConfigFile.read(config).requireKnown(KEYS);
        Path sceneP = scene != null ? scene : path(cfg, "root_dir");
        Path ckptP = ckpt != null ? ckpt : path(cfg, "ckpt_path");
        Path outP = out != null ? out : path(cfg, "out_dir");
        if (sceneP == null) throw new InputException("no scene: give --scene or root_dir in the config");
        if (ckptP == null) throw new InputException("no weights: give --ckpt or ckpt_path in the config");
        if (outP == null) throw new InputException("no output folder: give --out or out_dir in the config");
        int[] wh = size != null ? parseSize(size) : cfg != null ? cfg.integers("img_wh", 2, new int[]{640, 360}) : new int[]{640, 360};
        int[] src = indices != null ? indices.stream().mapToInt(Integer::intValue).toArray()
                : cfg != null ? cfg.integers("indices", 2, new int[]{4, 5}) : new int[]{4, 5};
        String modeS = mode != null ? mode : cfg != null ? cfg.string("mode", "blend") : "blend";
        NovelViewVideo.Mode m;
        try {
            m = NovelViewVideo.Mode.valueOf(modeS.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InputException("mode must be blend, frame or background, got '" + modeS + "'");
        }
        String dev = device != null ? device : cfg != null ? cfg.string("device", "auto") : "auto";
        int n = pathN != null ? pathN : cfg != null ? cfg.integer("path_n", 30) : 30;
        int max = maxViews != null ? maxViews : cfg != null ? cfg.integer("max_views", 0) : 0;
        double rate = fps != null ? fps : cfg != null ? cfg.number("fps", 30) : 30;
        Path bg = bgDir != null ? bgDir : path(cfg, "bg_dir");
        if (Files.exists(outP.resolve("frames")) && !overwrite) {
            throw new InputException(outP + " already holds frames: choose another --out or pass --overwrite");
        }
        Scene s = Scenes.open(sceneP);
        if (bg != null) s = new BackgroundFolder(s, bg);
        MpiRenderer renderer = Renderers.forDevice(dev);
        NovelViewVideo.Options o = new NovelViewVideo.Options(wh[0], wh[1], src, n, max, m);
        System.out.printf("novel-view video of %s: %dx%d, sources %d (reference) and %d, %s, renderer %s%n", s.name(), wh[0], wh[1],
                src[0], src[1], m.name().toLowerCase(Locale.ROOT), renderer.name());
        NovelViewVideo.Result r;
        try (ai.djl.ndarray.NDManager mgr = ai.djl.ndarray.NDManager.newBaseManager()) {
            MpiNet3d mpi = NovelViewVideo.newMpiNet(mgr);
            MaskNet3d mask = NovelViewVideo.newMaskNet(mgr);
            NovelViewVideo.loadNetworks(ckptP, mpi, mask);
            int total = max > 0 ? max : 3 * n + 2 * n + 4 * n;
            try (ProgressBar pb = PrepareCommands.bar("render", total)) {
                r = NovelViewVideo.render(s, mpi, mask, renderer, o, outP, pb::stepTo);
            }
        }
        Path video;
        if (FfmpegFrames.available()) {
            video = outP.resolve("video.mp4");
            FfmpegFrames.encodeMp4(r.framesDir(), rate, video);
        } else {
            video = outP.resolve("video.gif");
            List<java.awt.image.BufferedImage> imgs = new ArrayList<>();
            for (int i = 0; i < r.views(); i++) imgs.add(org.mask3d.io.Images.toBufferedImage(
                    org.mask3d.io.Images.readChw(r.framesDir().resolve(String.format("%05d.png", i))), 3, wh[1], wh[0]));
            Gif.writeAnimated(video, imgs, (int) Math.round(1000 / rate), true);
            System.out.println("ffmpeg not found: wrote an animated GIF instead of an MP4");
        }
        String resolved = String.format(Locale.ROOT, "# resolved by ./mask3d render%nroot_dir = %s%nckpt_path = %s%nout_dir = %s%n"
                + "img_wh = [%d, %d]%nindices = [%d, %d]%nmode = %s%ndevice = %s%npath_n = %d%nmax_views = %d%nfps = %s%n%s",
                sceneP, ckptP, outP, wh[0], wh[1], src[0], src[1], m.name().toLowerCase(Locale.ROOT), dev, n, max, rate,
                bg != null ? "bg_dir = " + bg + System.lineSeparator() : "");
        AtomicFiles.write(outP.resolve("render.txt"), resolved.getBytes(StandardCharsets.UTF_8));
        System.out.printf("rendered %d views (%.2f s per view) to %s; video %s%n", r.views(), r.secondsPerView(), r.framesDir(), video);
        return 0;
    }

    private static Path path(ConfigFile cfg, String key) {
        if (cfg == null || !cfg.has(key)) return null;
        String v = cfg.string(key, "").trim();
        return v.isEmpty() ? null : Path.of(v);
    }

    static int[] parseSize(String s) {
        String[] p = s.toLowerCase(Locale.ROOT).split("x");
        try {
            return new int[]{Integer.parseInt(p[0]), Integer.parseInt(p[1])};
        } catch (RuntimeException e) {
            throw new InputException("--size must be WxH like 640x360, got '" + s + "'");
        }
    }

    /** A scene whose backgrounds come from another folder (released bg_dir: images in sorted order = camera index). */
    static final class BackgroundFolder implements Scene {
        private final Scene base;
        private final List<Path> files;

        BackgroundFolder(Scene base, Path dir) {
            this.base = base;
            if (!Files.isDirectory(dir)) throw new InputException("background folder not found: " + dir);
            try (var st = Files.list(dir)) {
                files = st.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)")).sorted().toList();
            } catch (java.io.IOException e) {
                throw new InputException("cannot list " + dir + ": " + e.getMessage(), e);
            }
            if (files.size() != base.numCameras()) {
                throw new InputException(dir + ": " + files.size() + " background images, the scene has " + base.numCameras() + " cameras");
            }
        }

        @Override public String name() { return base.name(); }
        @Override public int numCameras() { return base.numCameras(); }
        @Override public int numFrames() { return base.numFrames(); }
        @Override public int width() { return base.width(); }
        @Override public int height() { return base.height(); }
        @Override public List<org.mask3d.geometry.Camera> cameras() { return base.cameras(); }
        @Override public float[] frame(int cam, int t) { return base.frame(cam, t); }
        @Override public boolean hasBackgrounds() { return true; }
        @Override public boolean hasForeground() { return base.hasForeground(); }
        @Override public float[] foreground(int cam, int t) { return base.foreground(cam, t); }
        @Override public double[] nears() { return base.nears(); }
        @Override public double[] fars() { return base.fars(); }

        @Override public float[] background(int cam) {
            org.mask3d.io.Images.Image img = org.mask3d.io.Images.read(files.get(cam));
            float[] chw = img.chw();
            if (img.width() != width() || img.height() != height()) {
                chw = org.mask3d.io.Images.resizeLanczos(chw, 3, img.height(), img.width(), height(), width());
            }
            return chw;
        }
    }
}
