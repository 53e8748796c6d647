package org.mask3d.cli;

import org.mask3d.InputException;
import org.mask3d.data.RealEstate10K;
import org.mask3d.data.RealEstate10KFrames;
import org.mask3d.io.FfmpegFrames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "realestate", mixinStandardHelpOptions = true,
        description = {"Extract RealEstate10K frames: for every camera file TXT/<sequence>.txt, the frame of its video "
                + "nearest to each line's timestamp, resized (area filter by default, not the released code's accidental "
                + "bilinear) and written to OUT/<sequence>/00000.jpg, one image per camera line.",
                "The video is VIDEOS/<id>.mp4 with id the v= parameter of the file's URL (as the released download_data.py "
                + "named it), else VIDEOS/<sequence>.mp4. Sequences without a video or already extracted are skipped. "
                + "Needs ffmpeg (apt-get install --no-install-recommends ffmpeg).",
                "Exit status 1 when some sequence failed (malformed camera file, undecodable video, a timestamp past the "
                + "end), 0 otherwise."},
        footer = {"", "Examples:",
                "  ./mask3d prepare realestate --txt RealEstate10K/train --videos videos/train --out frames/train",
                "  ./mask3d prepare realestate --txt RealEstate10K/test --videos videos/test --out frames/test --format png",
                "  ./mask3d prepare realestate --txt txt --videos vids --out frames --size 320x180 --filter lanczos --overwrite"})
final class PrepareRealEstateCommand implements Callable<Integer> {
    @Option(names = "--txt", required = true, paramLabel = "DIR", description = "Folder of camera files <sequence>.txt.") Path txt;
    @Option(names = "--videos", required = true, paramLabel = "DIR", description = "Folder of videos <id>.mp4.") Path videos;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Frames root: OUT/<sequence>/NNNNN.jpg.") Path out;
    @Option(names = "--size", defaultValue = "640x360", paramLabel = "WxH", description = "Frame size (default: ${DEFAULT-VALUE}).") String size;
    @Option(names = "--filter", defaultValue = "area", description = "Resize filter: area or lanczos (default: ${DEFAULT-VALUE}).") String filter;
    @Option(names = "--format", defaultValue = "jpg", description = "jpg (as released) or png (default: ${DEFAULT-VALUE}).") String format;
    @Option(names = "--overwrite", description = "Re-extract sequences that are already complete.") boolean overwrite;

    @Override public Integer call() {
        String[] wh = size.toLowerCase(Locale.ROOT).split("x");
        int w, h;
        try {
            if (wh.length != 2) throw new NumberFormatException();
            w = Integer.parseInt(wh[0]);
            h = Integer.parseInt(wh[1]);
            if (w < 1 || h < 1) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw new InputException("--size must be WIDTHxHEIGHT with positive numbers, e.g. 640x360, got '" + size + "'");
        }
        FfmpegFrames.Filter f = switch (filter.toLowerCase(Locale.ROOT)) {
            case "area" -> FfmpegFrames.Filter.AREA;
            case "lanczos" -> FfmpegFrames.Filter.LANCZOS;
            default -> throw new InputException("--filter must be 'area' or 'lanczos', got '" + filter + "'");
        };
        if (!format.equals("jpg") && !format.equals("png")) {
            throw new InputException("--format must be 'jpg' or 'png', got '" + format + "'");
        }
        if (!FfmpegFrames.available()) {
            throw new InputException("ffmpeg and ffprobe are needed and were not found on the PATH: "
                    + "apt-get install --no-install-recommends ffmpeg");
        }
        RealEstate10KFrames.Report r = RealEstate10KFrames.extract(txt, videos, out,
                new RealEstate10KFrames.Options(w, h, f, format, overwrite), System.out::println);
        RealEstate10K.Scan scan = RealEstate10K.scan(txt, out, RealEstate10K.SAMPLER_MIN_FRAMES);
        System.out.printf("realestate: %d extracted, %d skipped, %d failed; %d of %d sequences in %s are usable for "
                        + "the stage-1 sampler (one image per camera line, more than %d frames)%n",
                r.extracted().size(), r.skipped().size(), r.failed().size(), scan.usable().size(),
                scan.usable().size() + scan.pruned().size(), out, RealEstate10K.SAMPLER_MIN_FRAMES);
        if (!r.failed().isEmpty()) {
            System.err.println("mask3d: " + r.failed().size() + " sequence(s) failed:");
            for (String s : r.failed()) System.err.println("  " + s);
            return 1;
        }
        return 0;
    }
}
