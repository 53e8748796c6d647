package org.mask3d.viz;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/** Pictures of a training run's files. */
public final class TrainFigures {
    private TrainFigures() {}

    private static final Pattern STEP = Pattern.compile("step-0*(\\d+)\\.png");

    /**
     * A validation sample ({@code RUN/samples/step-NNNNNNNN.png}, written by {@link org.mask3d.train.Trainer} as
     * rendering | ground truth side by side) split into its two halves and captioned "rendered, step N" and
     * "ground truth".
     *
     * @param sample the PNG
     * @return a new RGB image
     * @throws IllegalArgumentException if the file is not an image of even width
     * @throws UncheckedIOException     if it cannot be read
     */
    public static BufferedImage validationSample(Path sample) {
        BufferedImage img;
        try {
            img = ImageIO.read(sample.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read validation sample " + sample, e);
        }
        if (img == null || img.getWidth() % 2 != 0) {
            throw new IllegalArgumentException("validation sample " + sample + " must be a PNG of two images side by"
                    + " side (even width), got " + (img == null ? "no image" : img.getWidth() + " pixels wide"));
        }
        int w = img.getWidth() / 2;
        Matcher m = STEP.matcher(sample.getFileName().toString());
        String rendered = m.matches() ? "rendered, step " + m.group(1) : "rendered";
        return Grid.tile(List.of(img.getSubimage(0, 0, w, img.getHeight()), img.getSubimage(w, 0, w, img.getHeight())),
                2, List.of(rendered, "ground truth"), 4);
    }
}
