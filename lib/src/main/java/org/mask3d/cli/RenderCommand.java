package org.mask3d.cli;

import me.tongfei.progressbar.ProgressBar;
import org.mask3d.InputException;
import org.mask3d.data.Scene;
import org.mask3d.data.Scenes;
import org.mask3d.data.WithBackgrounds;
import org.mask3d.io.AtomicFiles;
import org.mask3d.io.FfmpegFrames;
import org.mask3d.io.Gif;
import org.mask3d.model.Device;
import org.mask3d.model.MaskPipeline;
import org.mask3d.render.MpiRenderer;
import org.mask3d.render.Renderers;
import org.mask3d.workflow.NovelViewVideo;
import org.mask3d.workflow.RenderConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "render", mixinStandardHelpOptions = true,
        description = {"Render a novel-view video of a dynamic scene, as the released render_llff_video.py: the camera "
                + "follows the LLFF path of the rig (30 poses per component, 270 in all) while the frames loop; each "
                + "image is the mask-blended MPI of two source cameras (released default 4 and 5). Weights come from an "
                + "official Lightning .ckpt (models.mpi_net.*, models.mask_net.*) or a mask3d checkpoint folder.",
                "Config keys (org.mask3d.workflow.RenderConfig; released): root_dir, bg_dir, out_dir, ckpt_path, img_wh; (mask3d): "
                        + "indices, mode (blend|frame|background), device (auto|cpu|gpu), precision (fp32|bf16), path_n, max_views, fps. Options override the file; "
                        + "render.txt in the output folder lists every key as used."},
        footer = {"", "Examples:",
                "  ./mask3d render --config configs/render_video.txt",
                "  ./mask3d render --scene data/scene018 --ckpt ckpts/3dmask.ckpt --out runs/video-018 --indices 4,5",
                "  ./mask3d render --scene runs/synth --ckpt runs/mask/checkpoints/last --mode frame --max-views 60"})
final class RenderCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "A render config (configs/render_video.txt).") Path config;
    @Option(names = "--scene", paramLabel = "PATH", description = "The scene (root_dir): a folder, a packed scene or an h5 file.") Path scene;
    @Option(names = "--bg-dir", paramLabel = "DIR", description = "Backgrounds (bg_dir): camNN.png, or any images taken in sorted order.") Path bgDir;
    @Option(names = "--ckpt", paramLabel = "PATH", description = "Weights (ckpt_path).") Path ckpt;
    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (out_dir).") Path out;
    @Option(names = "--size", paramLabel = "WxH", description = "Output size (img_wh; default 640x360).") String size;
    @Option(names = "--indices", split = ",", description = "The two source cameras (default 4,5).") List<Integer> indices;
    @Option(names = "--mode", description = "blend (default), frame (no mask) or background.") String mode;
    @Option(names = "--device", description = "Sweep, networks and renderer: auto (default), cpu or gpu.") String device;
    @Option(names = "--precision", description = "GPU networks: fp32 (default, the reference) or bf16 (tensor cores).") String precision;
    @Option(names = "--path-n", description = "Path poses per component (default 30).") Integer pathN;
    @Option(names = "--max-views", description = "Stop after this many views (default: the whole path).") Integer maxViews;
    @Option(names = "--fps", description = "Video frame rate (default 30).") Double fps;
    @Option(names = "--overwrite", description = "Write into an output folder that already has frames.") boolean overwrite;

    @Override public Integer call() {
        RenderConfig rc = RenderConfig.resolve(config, options()).requireComplete();
        Path sceneP = rc.scene(), ckptP = rc.checkpoint(), outP = rc.outDir(), bg = rc.backgrounds();
        int[] wh = {rc.width(), rc.height()};
        int[] src = rc.sources();
        NovelViewVideo.Mode m = NovelViewVideo.Mode.valueOf(rc.mode().toUpperCase(Locale.ROOT));
        String dev = rc.device();
        int n = rc.pathN(), max = rc.maxViews();
        double rate = rc.fps();
        org.mask3d.model.Footprint.inference("render at " + wh[0] + "x" + wh[1] + " (" + org.mask3d.geometry.PlaneDepths.DEFAULT_PLANES
                + " planes)", wh[0], wh[1], org.mask3d.geometry.PlaneDepths.DEFAULT_PLANES).require("choose a smaller --size (img_wh)");
        if (Files.exists(outP.resolve("frames")) && !overwrite) {
            throw new InputException(outP + " already holds frames: choose another --out or pass --overwrite");
        }
        Scene s = Scenes.open(sceneP);
        if (bg != null) s = new WithBackgrounds(s, bg);
        MpiRenderer renderer = Renderers.forDevice(dev);
        NovelViewVideo.Options o = new NovelViewVideo.Options(wh[0], wh[1], src, n, max, m);
        Device device = Device.of(renderer).precision(org.mask3d.model.CudaUNet.Precision.parse(rc.precision()));
        System.out.printf("novel-view video of %s: %dx%d, sources %d (reference) and %d, %s, %s%n", s.name(), wh[0], wh[1],
                src[0], src[1], m.name().toLowerCase(Locale.ROOT), device.describe());
        NovelViewVideo.Result r;
        try (MaskPipeline pipeline = MaskPipeline.open(ckptP, "", device)) {
            int total = max > 0 ? max : 3 * n + 2 * n + 4 * n;
            try (ProgressBar pb = PrepareCommands.bar("render", total)) {
                r = NovelViewVideo.render(s, pipeline, o, outP, pb::stepTo);
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
        AtomicFiles.write(outP.resolve("render.txt"), rc.resolvedText().getBytes(StandardCharsets.UTF_8));
        System.out.printf("rendered %d views (%.2f s per view) to %s; video %s%n", r.views(), r.secondsPerView(), r.framesDir(), video);
        return 0;
    }

    /** The command line's options as config overrides (they win over the file). */
    private Map<String, String> options() {
        Map<String, String> o = new LinkedHashMap<>();
        if (scene != null) o.put("root_dir", scene.toString());
        if (bgDir != null) o.put("bg_dir", bgDir.toString());
        if (ckpt != null) o.put("ckpt_path", ckpt.toString());
        if (out != null) o.put("out_dir", out.toString());
        if (size != null) {
            int[] wh = parseSize(size);
            o.put("img_wh", "[" + wh[0] + ", " + wh[1] + "]");
        }
        if (indices != null) o.put("indices", indices.toString());
        if (mode != null) o.put("mode", mode);
        if (device != null) o.put("device", device);
        if (precision != null) o.put("precision", precision);
        if (pathN != null) o.put("path_n", pathN.toString());
        if (maxViews != null) o.put("max_views", maxViews.toString());
        if (fps != null) o.put("fps", fps.toString());
        return o;
    }

    static int[] parseSize(String s) {
        String[] p = s.toLowerCase(Locale.ROOT).split("x");
        try {
            return new int[]{Integer.parseInt(p[0]), Integer.parseInt(p[1])};
        } catch (RuntimeException e) {
            throw new InputException("--size must be WxH like 640x360, got '" + s + "'");
        }
    }
}
