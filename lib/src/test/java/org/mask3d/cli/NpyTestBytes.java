package org.mask3d.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-made .npy bytes of a dtype the library refuses. */
final class NpyTestBytes {
    static byte[] int64Npy(int rows, int cols) {
        String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), 0});
        o.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        o.writeBytes(new byte[8 * rows * cols]);
        return o.toByteArray();
    }
}
