package org.mask3d.data;

import org.mask3d.InputException;
import org.mask3d.io.FfmpegFrames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * RealEstate10K frame extraction (the released {@code extract_frames.py}, METHOD.md §2.3 step 2, without its
 * resize defect): for every camera file {@code <txt>/<sequence>.txt}, the frame of the sequence's video nearest
 * to each line's timestamp, resized to 640×360 with a proper filter (area by default; the released
 * {@code compress_data.py} meant INTER_AREA but got bilinear, METHOD.md §7 item 3), written to
 * {@code <out>/<sequence>/00000.jpg} (or {@code .png}), one image per camera line, in line order, so the folder
 * passes {@link RealEstate10K#scan}'s #images == #lines rule.
 *
 * <p><b>Which video</b>: {@code <videos>/<id>.mp4}, where {@code id} is the {@code v=} parameter of the file's URL
 * ({@link RealEstate10K#videoId}; the name the released {@code download_data.py} gave it); if that file is absent,
 * {@code <videos>/<sequence>.mp4} (the camera file's name) is tried.
 *
 * <p>Needs {@code ffmpeg} and {@code ffprobe} ({@link FfmpegFrames}). A sequence is written to
 * {@code <out>/<sequence>.partial/} and renamed when complete, so an interrupted run never leaves a folder that
 * looks finished; complete folders are skipped unless {@code overwrite} is set.
 */
public final class RealEstate10KFrames {
    private RealEstate10KFrames() {}

    /**
     * Extraction settings.
     *
     * @param width     output width (640)
     * @param height    output height (360)
     * @param filter    resampling filter (area)
     * @param format    "jpg" (as released) or "png"
     * @param overwrite re-extract sequences whose folder is already complete
     */
    public record Options(int width, int height, FfmpegFrames.Filter filter, String format, boolean overwrite) {
        public Options {
            Objects.requireNonNull(filter, "filter");
            if (width < 1 || height < 1) throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
            if (!format.equals("jpg") && !format.equals("png")) {
                throw new IllegalArgumentException("format must be jpg or png, got '" + format + "'");
            }
        }

        /** 640×360, area filter, jpg, no overwrite. */
        public static Options defaults() {
            return new Options(RealEstate10K.WIDTH, RealEstate10K.HEIGHT, FfmpegFrames.Filter.AREA, "jpg", false);
        }
    }

    /**
     * What an extraction did, one line per sequence in each list.
     *
     * @param extracted sequences written in this run
     * @param skipped   sequences left alone: already complete, or no video (the common case for RealEstate10K,
     *                  whose YouTube videos disappear over time)
     * @param failed    sequences that could not be extracted: malformed camera file, undecodable video, a
     *                  timestamp with no frame
     */
    public record Report(List<String> extracted, List<String> skipped, List<String> failed) {
        public Report {
            extracted = List.copyOf(extracted);
            skipped = List.copyOf(skipped);
            failed = List.copyOf(failed);
        }
    }

    /**
     * Extracts the frames of every camera file in {@code txtDir}.
     *
     * @param progress receives one line per sequence as it finishes (may be null)
     * @throws InputException if {@code txtDir} holds no camera files or {@code videoDir} is not a folder
     */
    public static Report extract(Path txtDir, Path videoDir, Path outRoot, Options options, Consumer<String> progress) {
        List<Path> txts = RealEstate10K.cameraFiles(txtDir);
        if (!Files.isDirectory(videoDir)) throw new InputException("video folder not found: " + videoDir);
        Consumer<String> log = progress == null ? s -> { } : progress;
        List<String> done = new ArrayList<>(), skipped = new ArrayList<>(), failed = new ArrayList<>();
        for (Path txt : txts) {
            String name = RealEstate10K.sequenceName(txt);
            try {
                RealEstate10K.CameraFile f = RealEstate10K.read(txt);
                String line = extractOne(name, f, videoDir, outRoot, options, skipped);
                if (line != null) {
                    done.add(line);
                    log.accept("extracted " + line);
                } else {
                    log.accept("skipped " + skipped.get(skipped.size() - 1));
                }
            } catch (InputException e) {
                failed.add(name + ": " + e.getMessage());
                log.accept("failed " + failed.get(failed.size() - 1));
            }
        }
        return new Report(done, skipped, failed);
    }

    /** The video of a sequence: {@code <id>.mp4}, else {@code <sequence>.mp4}; null if neither exists. */
    public static Path findVideo(Path videoDir, String sequence, RealEstate10K.CameraFile file) {
        Path byId = videoDir.resolve(file.videoId() + ".mp4");
        if (Files.isRegularFile(byId)) return byId;
        Path byName = videoDir.resolve(sequence + ".mp4");
        return Files.isRegularFile(byName) ? byName : null;
    }

    private static String extractOne(String name, RealEstate10K.CameraFile f, Path videoDir, Path outRoot, Options o,
                                     List<String> skipped) {
        int n = f.rows().size();
        Path dir = outRoot.resolve(name);
        if (!o.overwrite() && Files.isDirectory(dir)) {
            List<String> problems = new ArrayList<>();
            RealEstate10K.frameFiles(dir, n, problems);
            if (problems.isEmpty()) {
                skipped.add(name + ": already extracted (" + n + " frames in " + dir + ")");
                return null;
            }
        }
        Path video = findVideo(videoDir, name, f);
        if (video == null) {
            skipped.add(name + ": no video " + f.videoId() + ".mp4 (nor " + name + ".mp4) in " + videoDir);
            return null;
        }
        Path partial = outRoot.resolve(name + ".partial");
        deleteTree(partial);
        long[] ts = new long[n];
        List<Path> outs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ts[i] = f.rows().get(i).timestampUs();
            outs.add(partial.resolve(String.format(Locale.ROOT, "%05d.%s", i, o.format())));
        }
        long t0 = System.nanoTime();
        try {
            FfmpegFrames.extractNearest(video, ts, o.width(), o.height(), o.filter(), outs);
            deleteTree(dir);
            Files.move(partial, dir);
        } catch (IOException e) {
            deleteTree(partial);
            throw new InputException(dir + ": cannot move the extracted frames into place (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            deleteTree(partial);
            throw e;
        }
        return String.format(Locale.ROOT, "%s: %d frames from %s in %.1f s", name, n, video.getFileName(),
                (System.nanoTime() - t0) / 1e9);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new InputException("cannot delete " + dir + " (" + e.getMessage() + ")", e);
        }
    }
}
