package org.mask3d.io;

import org.mask3d.InputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Frames of a video at given times, through the {@code ffmpeg} and {@code ffprobe} programs on the {@code PATH}
 * (Debian: {@code apt-get install --no-install-recommends ffmpeg}).
 *
 * <p>{@link #extractNearest} writes, for each requested time, the decoded frame whose presentation time is nearest
 * to it (what the released {@code extract_frames.py} gets from OpenCV's {@code CAP_PROP_POS_MSEC} seek), resized
 * with a proper filter. Times are measured from the video stream's start time. A run of times is decoded in one
 * ffmpeg pass: it seeks to just before the first time, decodes up to just after the last, keeps only the frames
 * within 0.6 frame durations of a requested time ({@code select}), logs their presentation times
 * ({@code showinfo}, with {@code -copyts} so they are the file's own) and scales them; the nearest one per time is
 * then picked here.
 */
public final class FfmpegFrames {
    private FfmpegFrames() {}

    /** Resampling filter of ffmpeg's {@code scale} (swscale), for shrinking video frames. */
    public enum Filter {
        /** Box filter weighted by overlap (OpenCV's INTER_AREA, which the released code meant to use). */
        AREA("area"),
        /** Lanczos (a = 3), what the authors' own multi-camera preprocessing used (PIL LANCZOS). */
        LANCZOS("lanczos");

        final String flag;

        Filter(String flag) { this.flag = flag; }
    }

    /**
     * What ffprobe says about a video's first video stream.
     *
     * @param width     frame width
     * @param height    frame height
     * @param fps       frame rate ({@code r_frame_rate}, else {@code avg_frame_rate}, else 30)
     * @param startTime the stream's start time, seconds (0 when unknown)
     * @param duration  the file's duration, seconds (NaN when unknown)
     */
    public record Probe(int width, int height, double fps, double startTime, double duration) {}

    private static final int CHUNK = 50;              // times per ffmpeg run: ffmpeg 5.1 rejects a select sum of ~128 terms
    private static final double MAX_GAP_S = 5.0;       // a longer gap between times starts a new run (seek, don't decode)
    private static final Pattern SHOWINFO = Pattern.compile("\\bn:\\s*(\\d+)\\s+pts:\\s*(-?\\d+)\\s+pts_time:(\\S+)");

    /** Whether {@code ffmpeg} and {@code ffprobe} run. */
    public static boolean available() {
        return runs("ffmpeg") && runs("ffprobe");
    }

    private static boolean runs(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "-version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Probes a video's first video stream.
     *
     * @throws InputException "video not found: PATH", "PATH: ffprobe failed (…)" or "PATH: no video stream"
     */
    public static Probe probe(Path video) {
        Objects.requireNonNull(video, "video");
        if (!Files.isRegularFile(video)) throw new InputException("video not found: " + video);
        Result r = exec(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "stream=width,height,r_frame_rate,avg_frame_rate,start_time:format=duration", "-of", "default=nw=1",
                video.toString()), video, "ffprobe");
        Map<String, String> kv = new HashMap<>();
        for (String line : r.stdout().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) kv.putIfAbsent(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        if (!kv.containsKey("width") || !kv.containsKey("height")) throw new InputException(video + ": no video stream");
        double fps = rate(kv.get("r_frame_rate"));
        if (!(fps > 0 && fps < 1000)) fps = rate(kv.get("avg_frame_rate"));
        if (!(fps > 0 && fps < 1000)) fps = 30;
        double start = number(kv.get("start_time"));
        return new Probe(Integer.parseInt(kv.get("width")), Integer.parseInt(kv.get("height")), fps,
                Double.isFinite(start) ? start : 0, number(kv.get("duration")));
    }

    private static double rate(String s) {
        if (s == null) return Double.NaN;
        int slash = s.indexOf('/');
        if (slash < 0) return number(s);
        double a = number(s.substring(0, slash)), b = number(s.substring(slash + 1));
        return b == 0 ? Double.NaN : a / b;
    }

    private static double number(String s) {
        if (s == null) return Double.NaN;
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * Writes, for each time {@code timestampsUs[i]} (µs from the start of the video), the frame nearest to it,
     * resized to {@code width × height} with {@code filter}, to {@code outputs.get(i)}. The format follows the
     * outputs' extension ({@code .png}, or {@code .jpg} at ffmpeg's {@code -q:v 2}); all outputs share one
     * extension. Files appear only when every frame was found (written to a temporary folder beside the first
     * output, then moved).
     *
     * @return the chosen frames' presentation times, µs from the start of the video, one per request
     * @throws InputException naming the video: not found, not decodable, or no frame within half a frame
     *         duration of a requested time (e.g. a time past the end of the video)
     */
    public static long[] extractNearest(Path video, long[] timestampsUs, int width, int height, Filter filter,
                                        List<Path> outputs) {
        Objects.requireNonNull(filter, "filter");
        if (timestampsUs.length != outputs.size()) {
            throw new IllegalArgumentException(timestampsUs.length + " times but " + outputs.size() + " outputs");
        }
        if (width < 1 || height < 1) throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
        if (outputs.isEmpty()) return new long[0];
        String ext = extension(outputs.get(0));
        for (Path p : outputs) {
            if (!extension(p).equals(ext)) throw new IllegalArgumentException("outputs mix ." + ext + " and ." + extension(p));
        }
        if (!ext.equals("png") && !ext.equals("jpg")) throw new IllegalArgumentException("outputs must be .png or .jpg, got ." + ext);
        Probe probe = probe(video);
        double frameS = 1.0 / probe.fps();
        Path parent = outputs.get(0).toAbsolutePath().getParent();
        long[] chosen = new long[timestampsUs.length];
        Path tmp = null;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, ".ffmpeg-");
            List<Path> picked = new ArrayList<>();
            int from = 0, runNo = 0;
            while (from < timestampsUs.length) {
                int to = from + 1;
                while (to < timestampsUs.length && to - from < CHUNK
                        && Math.abs(timestampsUs[to] - timestampsUs[to - 1]) <= MAX_GAP_S * 1e6) to++;
                Path runDir = Files.createDirectory(tmp.resolve("run" + runNo++));
                extractRun(video, probe, frameS, timestampsUs, from, to, width, height, filter, ext, runDir, picked, chosen);
                from = to;
            }
            // Move (or copy, where two times share a frame) into place.
            for (int i = 0; i < outputs.size(); i++) {
                Path out = outputs.get(i);
                Files.createDirectories(out.toAbsolutePath().getParent());
                boolean usedLater = false;
                for (int j = i + 1; j < outputs.size() && !usedLater; j++) usedLater = picked.get(j).equals(picked.get(i));
                if (usedLater) Files.copy(picked.get(i), out, StandardCopyOption.REPLACE_EXISTING);
                else Files.move(picked.get(i), out, StandardCopyOption.REPLACE_EXISTING);
            }
            return chosen;
        } catch (IOException e) {
            throw new InputException(video + ": cannot write frames under " + parent + " (" + e.getMessage() + ")", e);
        } finally {
            if (tmp != null) deleteTree(tmp);
        }
    }

    private static void extractRun(Path video, Probe probe, double frameS, long[] ts, int from, int to, int width,
                                   int height, Filter filter, String ext, Path dir, List<Path> picked, long[] chosen) {
        double half = 0.6 * frameS;
        double first = Double.POSITIVE_INFINITY, last = Double.NEGATIVE_INFINITY;
        StringBuilder select = new StringBuilder("select='");
        for (int i = from; i < to; i++) {
            double t = probe.startTime() + ts[i] / 1e6;       // the file's own timeline (-copyts)
            first = Math.min(first, t);
            last = Math.max(last, t);
            if (i > from) select.append('+');
            select.append(String.format(Locale.ROOT, "between(t\\,%.6f\\,%.6f)", t - half, t + half));
        }
        select.append('\'');
        String vf = select + ",showinfo,scale=" + width + ":" + height + ":flags=" + filter.flag
                + "+accurate_rnd+full_chroma_int";
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-loglevel", "info",
                "-copyts", "-ss", fmt(Math.max(0, first - 1.0)), "-to", fmt(last + 1.0), "-i", video.toString(),
                "-map", "0:v:0", "-vf", vf, "-fps_mode", "passthrough", "-an", "-sn"));
        if (ext.equals("jpg")) cmd.addAll(List.of("-q:v", "2"));
        cmd.add(dir.resolve("%06d." + ext).toString());
        Result r = exec(cmd, video, "ffmpeg");
        List<Double> times = new ArrayList<>();
        for (String line : r.stderr().split("\n")) {
            if (!line.contains("showinfo")) continue;
            Matcher m = SHOWINFO.matcher(line);
            if (m.find()) times.add(Double.parseDouble(m.group(3)));
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new InputException(video + ": cannot list ffmpeg's output (" + e.getMessage() + ")", e);
        }
        if (files.size() != times.size()) {
            throw new InputException(video + ": ffmpeg wrote " + files.size() + " frames but logged " + times.size()
                    + " (expected one file per selected frame)");
        }
        for (int i = from; i < to; i++) {
            double t = probe.startTime() + ts[i] / 1e6;
            int best = -1;
            for (int k = 0; k < times.size(); k++) {
                if (best < 0 || Math.abs(times.get(k) - t) < Math.abs(times.get(best) - t)) best = k;
            }
            if (best < 0 || Math.abs(times.get(best) - t) > 0.5 * frameS + 1e-4) {
                throw new InputException(video + ": no frame at " + ts[i] + " µs (" + fmt(ts[i] / 1e6) + " s; the video lasts "
                        + fmt(probe.duration()) + " s at " + fmt(probe.fps()) + " fps; expected a frame within half a frame)");
            }
            picked.add(files.get(best));
            chosen[i] = Math.round((times.get(best) - probe.startTime()) * 1e6);
        }
    }

    private static String fmt(double v) { return String.format(Locale.ROOT, "%.6f", v).replaceAll("\\.?0+$", ""); }

    private static String extension(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        String e = dot < 0 ? "" : n.substring(dot + 1);
        return e.equals("jpeg") ? "jpg" : e;
    }

    /**
     * Writes every {@code skip}-th frame of a video (frames 0, skip, 2·skip, …, by decode order; the authors' rig
     * videos keep every 4th of 120 fps), resized to {@code width × height} with {@code filter} (0 keeps the size),
     * to {@code outDir/00000.png …} numbered consecutively. The frames go to a temporary folder that replaces
     * {@code outDir} only when ffmpeg succeeded.
     *
     * @return the number of frames written
     * @throws InputException naming the video when it is missing, not decodable, or yields no frame
     */
    public static int extractEvery(Path video, int skip, int width, int height, Filter filter, Path outDir) {
        if (skip < 1) throw new IllegalArgumentException("skip must be >= 1, got " + skip);
        return extract(video, "select='not(mod(n\\," + skip + "))'", width, height, filter, outDir);
    }

    /**
     * Writes frames {@code start .. end−1} of a video (by decode order, 0-based), resized to {@code width × height} with
     * {@code filter} (0 keeps the size), to {@code outDir/00000.png …} numbered from 0, as {@link #extractEvery}.
     *
     * @return the number of frames written (fewer than {@code end − start} when the video is shorter)
     * @throws InputException naming the video when it is missing, not decodable, or yields no frame in the range
     */
    public static int extractRange(Path video, int start, int end, int width, int height, Filter filter, Path outDir) {
        if (start < 0 || end <= start) throw new IllegalArgumentException("need 0 <= start < end, got " + start + ".." + end);
        return extract(video, "select='between(n\\," + start + "\\," + (end - 1) + ")'", width, height, filter, outDir);
    }

    /**
     * The number of frames of a video's first video stream, by counting its packets (no decoding; one packet per frame
     * in MP4/H.264).
     *
     * @throws InputException naming the video when it is missing or ffprobe cannot read it
     */
    public static int countFrames(Path video) {
        if (!Files.isRegularFile(video)) throw new InputException("video not found: " + video);
        Result r = exec(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries",
                "stream=nb_read_packets", "-of", "csv=p=0", video.toString()), video, "ffprobe");
        try {
            return Integer.parseInt(r.stdout().trim().split("[,\\s]+")[0]);
        } catch (NumberFormatException e) {
            throw new InputException(video + ": ffprobe gave no frame count (" + r.stdout().trim() + ")");
        }
    }

    private static int extract(Path video, String select, int width, int height, Filter filter, Path outDir) {
        if (!Files.isRegularFile(video)) throw new InputException("video not found: " + video);
        Path parent = outDir.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
            Path tmp = Files.createTempDirectory(parent, "." + outDir.getFileName() + ".partial");
            try {
                String vf = select + (width > 0 && height > 0
                        ? ",scale=" + width + ":" + height + ":flags=" + filter.flag + "+accurate_rnd+full_chroma_int" : "");
                exec(List.of("ffmpeg", "-v", "error", "-nostdin", "-i", video.toString(), "-vf", vf, "-vsync", "vfr",
                        "-start_number", "0", tmp.resolve("%05d.png").toString()), video, "ffmpeg");
                int n;
                try (var files = Files.list(tmp)) {
                    n = (int) files.count();
                }
                if (n == 0) throw new InputException(video + ": ffmpeg decoded no frame");
                if (Files.exists(outDir)) {
                    try (var old = Files.walk(outDir)) {
                        for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
                    }
                }
                Files.move(tmp, outDir);
                return n;
            } finally {
                if (Files.exists(tmp)) {
                    try (var left = Files.walk(tmp)) {
                        for (Path p : left.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new InputException("cannot write frames of " + video + " to " + outDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Encodes {@code framesDir/00000.png …} as an H.264 MP4 (yuv420p, CRF 18) at {@code fps}, atomically.
     *
     * @throws InputException naming the folder when ffmpeg fails or is missing, naming {@code mp4} and saying
     *                        "no space left" when the disk is full (the partial file is removed)
     */
    public static void encodeMp4(Path framesDir, double fps, Path mp4) {
        Path tmp = mp4.resolveSibling("." + mp4.getFileName() + ".partial.mp4");
        try {
            Files.createDirectories(mp4.toAbsolutePath().getParent());
            exec(List.of("ffmpeg", "-v", "error", "-nostdin", "-y", "-framerate", String.valueOf(fps), "-i",
                    framesDir.resolve("%05d.png").toString(), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "18",
                    "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", tmp.toString()), framesDir, "ffmpeg");
            Files.move(tmp, mp4, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (AtomicFiles.isDiskFull(e)) throw AtomicFiles.diskFull(mp4, e);
            throw new InputException("cannot write " + mp4 + ": " + e.getMessage(), e);
        } catch (InputException e) {
            // ffmpeg's own "No space left on device" (its last stderr line) names its partial file: say it of the video
            if (AtomicFiles.isDiskFull(e)) throw AtomicFiles.diskFull(mp4, e);
            throw e;
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    private record Result(String stdout, String stderr) {}

    private static Result exec(List<String> cmd, Path video, String tool) {
        Path out = null, err = null;
        try {
            out = Files.createTempFile("mask3d-" + tool, ".out");
            err = Files.createTempFile("mask3d-" + tool, ".err");
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            } catch (IOException e) {
                throw new InputException(video + ": cannot run " + tool + " (" + e.getMessage()
                        + "); install it: apt-get install --no-install-recommends ffmpeg", e);
            }
            int code = p.waitFor();
            String so = Files.readString(out, StandardCharsets.UTF_8), se = Files.readString(err, StandardCharsets.UTF_8);
            if (code != 0) {
                String[] lines = se.strip().split("\n");
                throw new InputException(video + ": " + tool + " failed (exit " + code + "): " + lines[lines.length - 1].strip());
            }
            return new Result(so, se);
        } catch (IOException e) {
            throw new InputException(video + ": " + tool + " output unreadable (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InputException(video + ": interrupted while " + tool + " ran", e);
        } finally {
            for (Path f : new Path[]{out, err}) {
                if (f != null) {
                    try {
                        Files.deleteIfExists(f);
                    } catch (IOException ignored) {
                        // a leftover temp file is harmless
                    }
                }
            }
        }
    }

    /** Deletes a folder tree (best effort). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
