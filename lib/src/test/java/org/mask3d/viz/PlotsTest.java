package org.mask3d.viz;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.AxesChart;
import org.knowm.xchart.style.markers.SeriesMarkers;

class PlotsTest {
    @TempDir Path dir;

    private static int nonWhite(BufferedImage img) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) != 0xffffff) n++;
        }
        return n;
    }

    @Test
    void lineChartRendersAndSaves() throws Exception {
        XYChart c = Plots.line("loss", "step", "L1");
        XYSeries s = Plots.series(c, "train", new double[] {0, 1, 2, 3}, new double[] {1, 0.5, 0.4, 0.35});
        assertEquals(SeriesMarkers.NONE, s.getMarker());
        Plots.series(c, "val", null, new double[] {0.9, 0.6, 0.5});
        BufferedImage img = Plots.toImage(c);
        assertEquals(640, img.getWidth());
        assertEquals(400, img.getHeight());
        assertEquals(0xffffff, img.getRGB(2, 2) & 0xffffff, "white background");
        assertTrue(nonWhite(img) > 1000, "chart has content");

        Path p = dir.resolve("plots/loss.png");
        Plots.savePng(c, p);
        assertTrue(Files.size(p) > 1000);
        BufferedImage back = ImageIO.read(p.toFile());
        assertEquals(640, back.getWidth());
        assertEquals(400, back.getHeight());
    }

    @Test
    void seriesValidates() {
        XYChart c = Plots.line("t", "x", "y");
        assertThrows(IllegalArgumentException.class, () -> Plots.series(c, "a", new double[2], new double[3]));
        assertThrows(IllegalArgumentException.class, () -> Plots.series(c, "a", null, new double[0]));
        Plots.series(c, "a", null, new double[] {1});
        assertThrows(IllegalArgumentException.class, () -> Plots.series(c, "a", null, new double[] {1}));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> annotations(XYChart c) throws Exception {
        Field f = AxesChart.class.getDeclaredField("annotations");
        f.setAccessible(true);
        return (List<Object>) f.get(c);
    }

    @Test
    void cameraTopViewHasMarkersLabelsSegmentsPathAndEqualScale() throws Exception {
        // A 4-camera row along x (wide, flat scene), looking +z.
        double[][] centers = {{-3, 0, 0}, {-1, 0, 0.2}, {1, 0, 0.2}, {3, 0, 0}};
        double[][] forwards = {{0, 0, 1}, {0, 0, 2}, {0.1, 0, 1}, {0, 0, 1}};
        double[][] path = {{-2, 0, -0.5}, {0, 0, -0.6}, {2, 0, -0.5}};
        XYChart c = Plots.cameraTopView("rig", centers, forwards, new String[] {"c0", "c1", "c2", "c3"}, path);
        assertNotNull(c.getSeries("cameras"));
        assertEquals(XYSeries.XYSeriesRenderStyle.Scatter, c.getSeries("cameras").getXYSeriesRenderStyle().get());
        assertNotNull(c.getSeries("path"));
        for (int i = 0; i < 4; i++) assertNotNull(c.getSeries("forward " + i));
        List<Object> notes = annotations(c);
        assertEquals(4, notes.size());
        assertTrue(notes.get(0) instanceof AnnotationText);

        BufferedImage img = Plots.toImage(c);
        assertEquals(640, img.getWidth());
        assertEquals(640, img.getHeight());
        assertTrue(nonWhite(img) > 1000);
        // Equal scaling: pixels per unit along x and z agree within 3%.
        double sx = Math.abs(c.getScreenXFromChart(1) - c.getScreenXFromChart(0));
        double sz = Math.abs(c.getScreenYFromChart(1) - c.getScreenYFromChart(0));
        assertEquals(1.0, sx / sz, 0.03, "px/unit x " + sx + " vs z " + sz);
        // z points up on screen.
        assertTrue(c.getScreenYFromChart(1) < c.getScreenYFromChart(0));
    }

    @Test
    void cameraTopViewOptionalPartsAndTallScene() throws Exception {
        double[][] centers = {{0, 0, 0}, {0.1, 0, 5}};
        XYChart c = Plots.cameraTopView("", centers, null, null, null);
        assertNull(c.getSeries("path"));
        assertNull(c.getSeries("forward 0"));
        assertEquals(2, annotations(c).size());
        Plots.toImage(c);
        double sx = Math.abs(c.getScreenXFromChart(1) - c.getScreenXFromChart(0));
        double sz = Math.abs(c.getScreenYFromChart(1) - c.getScreenYFromChart(0));
        assertEquals(1.0, sx / sz, 0.03);
        // A single camera still gives a drawable chart.
        Plots.savePng(Plots.cameraTopView("one", new double[][] {{1, 2, 3}}, new double[][] {{0, 0, 1}}, null, null),
                dir.resolve("one.png"));
        assertEquals(640, ImageIO.read(dir.resolve("one.png").toFile()).getWidth());
    }

    private static Object field(Object o, String name) throws Exception {
        Field f = AnnotationText.class.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    @Test
    void cameraLabelsMergeAtOneSpotAndDoNotOverlap() throws Exception {
        // Two rows of five seen from above: rows coincide in x-z, so each column shares one label "i, i+5".
        double[][] centers = new double[10][];
        for (int i = 0; i < 10; i++) centers[i] = new double[] {0.08 * (i % 5), (i < 5 ? -0.04 : 0.04), 0};
        XYChart c = Plots.cameraTopView("", centers, null, null, null);
        List<Object> notes = annotations(c);
        assertEquals(5, notes.size());
        for (int i = 0; i < 5; i++) assertEquals(i + ", " + (i + 5), field(notes.get(i), "text"));

        // Long labels on cameras a few pixels apart: their boxes (in screen pixels) must not intersect.
        double[][] row = {{0, 0, 0}, {0.02, 0, 0}, {0.04, 0, 0}, {0.06, 0, 0}, {1, 0, 1}};
        String[] labels = {"camera 0 (ref)", "camera 1", "camera 2", "camera 3", "far"};
        XYChart r = Plots.cameraTopView("", row, null, labels, null);
        Plots.toImage(r);
        var fm = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics()
                .getFontMetrics(r.getStyler().getAnnotationTextFont());
        List<Object> ln = annotations(r);
        assertEquals(5, ln.size());
        double[][] boxes = new double[5][];
        for (int i = 0; i < 5; i++) {
            double x = r.getScreenXFromChart((double) field(ln.get(i), "x"));
            double y = r.getScreenYFromChart((double) field(ln.get(i), "y"));
            double w = fm.stringWidth((String) field(ln.get(i), "text")), h = fm.getAscent() + fm.getDescent();
            boxes[i] = new double[] {x - w / 2, y - h / 2, x + w / 2, y + h / 2};
        }
        for (int i = 0; i < 5; i++) {
            for (int j = i + 1; j < 5; j++) {
                boolean overlap = boxes[i][0] < boxes[j][2] && boxes[j][0] < boxes[i][2]
                        && boxes[i][1] < boxes[j][3] && boxes[j][1] < boxes[i][3];
                assertFalse(overlap, "labels " + labels[i] + " and " + labels[j] + " overlap");
            }
        }
    }

    @Test
    void seriesTakeDistinctPaletteColours() {
        XYChart c = Plots.line("", "x", "y");
        java.util.Set<java.awt.Color> seen = new java.util.HashSet<>();
        for (int i = 0; i < Palette.SIZE; i++) {
            XYSeries s = Plots.series(c, "s" + i, null, new double[] {i, i + 1});
            assertEquals(Palette.color(i), s.getLineColor());
            seen.add(s.getLineColor());
        }
        assertEquals(Palette.SIZE, seen.size(), "every series in its own colour");
        assertEquals(Palette.color(0), Palette.color(Palette.SIZE));
        assertThrows(IllegalArgumentException.class, () -> Palette.color(-1));
    }

    @Test
    void cameraTopViewValidates() {
        assertThrows(IllegalArgumentException.class, () -> Plots.cameraTopView("", new double[0][], null, null, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Plots.cameraTopView("", new double[][] {{0, 0}}, null, null, null));
        assertTrue(e.getMessage().contains("[N][3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Plots.cameraTopView("", new double[][] {{0, 0, 0}}, new double[2][3], null, null));
        assertThrows(IllegalArgumentException.class,
                () -> Plots.cameraTopView("", new double[][] {{0, 0, 0}}, null, new String[2], null));
        assertThrows(IllegalArgumentException.class,
                () -> Plots.cameraTopView("", new double[][] {{0, Double.NaN, 0}}, null, null, null));
    }
}
