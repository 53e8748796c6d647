package org.mask3d.render;

import java.util.Arrays;

/**
 * A plane-sweep volume, validated: {@code [3V, D, H, W]} floats, channel {@code 3v+c} is colour {@code c} of view
 * {@code v} resampled onto the {@code D} planes of the reference camera (back to front), −1 where a voxel sees no
 * source pixel. Made by a {@link PlaneSweeper}; {@link #concat} stacks volumes along the channels (the stage-2
 * network input is the frames' volume followed by the backgrounds', see {@code model.MaskPipeline}).
 */
public record Psv(float[] data, int views, int planes, int height, int width) {
    public Psv {
        if (views < 1 || planes < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("a plane-sweep volume needs positive sizes, got views=" + views + " planes="
                    + planes + " " + width + "x" + height);
        }
        long n = 3L * views * planes * height * width;
        if (data.length != n) {
            throw new IllegalArgumentException("a plane-sweep volume of " + views + " view(s), " + planes + " planes, "
                    + width + "x" + height + " must hold [" + 3 * views + "," + planes + "," + height + "," + width
                    + "] = " + n + " floats, got " + data.length);
        }
    }

    /** Channels ({@code 3V}). */
    public int channels() { return 3 * views; }

    /** Floats per channel ({@code D·H·W}). */
    public int channelSize() { return planes * height * width; }

    /** The shape {@code [3V, D, H, W]}. */
    public long[] shape() { return new long[]{channels(), planes, height, width}; }

    /** The volume of views {@code from} (inclusive) to {@code to} (exclusive), copied. */
    public Psv views(int from, int to) {
        if (from < 0 || to > views || from >= to) throw new IllegalArgumentException("views " + from + ".." + to + " of " + views);
        int c = 3 * channelSize();
        return new Psv(Arrays.copyOfRange(data, from * c, to * c), to - from, planes, height, width);
    }

    /** The volumes stacked along the channels (same planes and size), {@code a}'s views first. */
    public static Psv concat(Psv a, Psv b) {
        if (a.planes != b.planes || a.height != b.height || a.width != b.width) {
            throw new IllegalArgumentException("cannot stack plane-sweep volumes of " + a.planes + "x" + a.height + "x" + a.width
                    + " and " + b.planes + "x" + b.height + "x" + b.width);
        }
        float[] out = Arrays.copyOf(a.data, a.data.length + b.data.length);
        System.arraycopy(b.data, 0, out, a.data.length, b.data.length);
        return new Psv(out, a.views + b.views, a.planes, a.height, a.width);
    }
}
