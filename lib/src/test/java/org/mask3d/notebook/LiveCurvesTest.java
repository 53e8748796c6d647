package org.mask3d.notebook;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mask3d.train.TrainingStage;

class LiveCurvesTest {
    private final List<String> events = new ArrayList<>();
    private long now;

    private LiveCurves curves() {
        return new LiveCurves("t", "loss", new LiveCurves.Sink() {
            @Override public String show(BufferedImage img) { events.add("show"); return "id"; }
            @Override public void update(String id, BufferedImage img) { events.add("update " + id); }
        }, () -> now);
    }

    private static TrainingStage.Stats loss(double l) {
        return new TrainingStage.Stats(l, Map.of(), Double.NaN);
    }

    @Test
    void showsOnceThenUpdatesInPlaceAtMostEveryHalfSecond() {
        LiveCurves c = curves();
        c.stepped(1, loss(0.5));
        assertEquals(List.of("show"), events);
        now += 100;
        c.stepped(2, loss(0.4));   // too soon: not drawn
        assertEquals(1, events.size());
        now += LiveCurves.REDRAW_MS;
        c.stepped(3, loss(0.3));
        assertEquals(List.of("show", "update id"), events);
        now += 10;
        c.stepped(4, loss(0.2));
        c.finish();                // draws the step held back
        assertEquals(List.of("show", "update id", "update id"), events);
        c.finish();                // nothing new: no redraw
        assertEquals(3, events.size());
        assertArrayEquals(new double[] {1, 2, 3, 4}, c.chart().getSeries("loss").getXData());
    }

    @Test
    void oneCurvePerTrainingRunOnACommonStepAxis() {
        LiveCurves c = curves();
        c.phase("train stage 1", 3);
        for (int s = 1; s <= 3; s++) c.stepped(s, loss(1.0 / s));
        c.phase("train stage 2", 2);
        c.stepped(1, loss(0.3));
        c.stepped(2, loss(0.2));
        c.phase("train stage 2", 1);    // a second run of that name gets its own curve
        c.stepped(1, loss(0.1));
        c.finish();
        assertArrayEquals(new double[] {1, 2, 3}, c.chart().getSeries("stage 1").getXData());
        assertArrayEquals(new double[] {4, 5}, c.chart().getSeries("stage 2").getXData());
        assertArrayEquals(new double[] {6}, c.chart().getSeries("stage 2 (2)").getXData());
        assertEquals("step (all runs, in order)", c.chart().getXAxisTitle());
        assertNotEquals(c.chart().getSeries("stage 1").getLineColor(), c.chart().getSeries("stage 2").getLineColor());
    }
}
