package org.mask3d.notebook;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.util.UUID;

/**
 * IJava's display API, imported statically into every cell ({@code import static org.mask3d.notebook.Display.*}):
 * {@code display(x)} shows {@code x} now and returns its display id, {@code updateDisplay(id, y)} replaces that
 * output in place (live curves), {@code render(x)} gives the display data without showing it. The optional
 * MIME types ({@code "image/png"}, {@code "text/plain"}, ...) ask for those renderings only.
 *
 * <p>As in IJava, {@code display(x)} returns the id, so a cell ending in {@code display(x)} also shows the id as
 * its value: assign it ({@code var d = display(x);}) or end the cell with a semicolon statement.
 */
public final class Display {
    private Display() {}

    public static DisplayData render(Object o) {
        if (o instanceof DisplayData d) return d;
        return Mask3dKernel.instance().getRenderer().render(o);
    }

    public static DisplayData render(Object o, String... as) {
        if (as.length == 0) return render(o);
        return Mask3dKernel.instance().getRenderer().renderAs(o, as);
    }

    public static String display(Object o) {
        return show(render(o));
    }

    public static String display(Object o, String... as) {
        return show(render(o, as));
    }

    public static void updateDisplay(String id, Object o) {
        DisplayData data = render(o);
        Mask3dKernel.instance().getIO().display.updateDisplay(id, data);
    }

    public static void updateDisplay(String id, Object o, String... as) {
        DisplayData data = render(o, as);
        Mask3dKernel.instance().getIO().display.updateDisplay(id, data);
    }

    private static String show(DisplayData data) {
        String id = data.getDisplayId();
        if (id == null) {
            id = UUID.randomUUID().toString();
            data.setDisplayId(id);
        }
        Mask3dKernel.instance().display(data);
        return id;
    }
}
