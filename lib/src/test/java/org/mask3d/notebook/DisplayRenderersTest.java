package org.mask3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.image.BufferedImage;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.mask3d.data.SyntheticScene;
import org.mask3d.eval.SyntheticTruth;
import org.mask3d.render.MaskVolume;
import org.mask3d.viz.Plots;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class DisplayRenderersTest {
    static final Renderer R = new Renderer();

    static {
        DisplayRenderers.registerAll(R);
    }

    static void assertPng(DisplayData d) {
        byte[] png = Base64.getDecoder().decode((String) d.getData(MIMEType.IMAGE_PNG));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
    }

    @Test
    void bufferedImage() {
        DisplayData d = R.render(new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB));
        assertPng(d);
        assertEquals("BufferedImage 7x5, RGB", d.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void chartMpiMask() {
        DisplayData chart = R.render(Plots.line("title", "x", "y"));
        assertPng(chart);
        assertEquals("XYChart 'title' (640x400)", chart.getData(MIMEType.TEXT_PLAIN));
        DisplayData mpi = R.render(SyntheticTruth.exactMpi(SyntheticScene.standard(64, 36, 4, 8), 0));
        assertPng(mpi);
        assertTrue(((String) mpi.getData(MIMEType.TEXT_PLAIN)).startsWith("Mpi[32 planes, 64x36"));
        DisplayData mask = R.render(new MaskVolume(new float[40 * 9 * 10], 40, 9, 10));
        assertPng(mask);
        assertEquals("MaskVolume[40 planes, 9x10, mean 0.000]", mask.getData(MIMEType.TEXT_PLAIN));
        assertEquals(16, DisplayRenderers.evenly(java.util.stream.IntStream.range(0, 40).boxed().toList(), 16).size());
    }

    @Test
    void ndArraysImageShapedOrText() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Shape s : new Shape[]{new Shape(3, 16, 20), new Shape(16, 20, 3), new Shape(16, 20), new Shape(1, 16, 20)}) {
                NDArray a = m.ones(s);
                DisplayData d = R.render(a);
                assertPng(d);
                BufferedImage img = DisplayRenderers.toImage(a);
                assertEquals(20, img.getWidth());
                assertEquals(16, img.getHeight());
            }
            DisplayData small = R.render(m.ones(new Shape(2, 2)));
            assertFalse(small.hasDataForType(MIMEType.IMAGE_PNG));
            assertTrue(small.hasDataForType(MIMEType.TEXT_PLAIN));
            assertFalse(DisplayRenderers.isImageShaped(new Shape(4, 16, 16)));
        }
    }

    @Test
    void tablesawTableAsHtml() {
        Table t = Table.create("runs", DoubleColumn.create("psnr", 30.5, 31.25), StringColumn.create("name", "a<b", "c"));
        DisplayData d = R.render(t);
        String html = (String) d.getData(MIMEType.TEXT_HTML);
        assertTrue(html.startsWith("<table><caption>runs</caption><thead><tr><th>psnr</th><th>name</th></tr>"), html);
        assertTrue(html.contains("<td>a&lt;b</td>"), html);
        assertTrue(html.contains("<td style=\"text-align:right\">31.25</td>"), html);
        assertEquals("18.79", DisplayRenderers.number(18.790468221800445 - 4.6e-7));
        assertEquals("0.00058932", DisplayRenderers.number(0.0005893179527639033));
        assertEquals("1.2346e-05", DisplayRenderers.number(1.23456e-5));
        assertEquals("0", DisplayRenderers.number(0.0));
        assertEquals("NaN", DisplayRenderers.number(Double.NaN));
        assertTrue(((String) d.getData(MIMEType.TEXT_PLAIN)).contains("psnr"));
    }
}
