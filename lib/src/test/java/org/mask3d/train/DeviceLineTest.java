package org.mask3d.train;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The one line a training prints about its device: the GPU under auto when DJL sees one, else the CPU and how to reach CUDA. */
class DeviceLineTest {
    @Test void autoOnAGpu() {
        assertEquals("training on gpu(0) (device = auto; DJL sees 1 GPU)", Trainer.deviceLine("auto", 1, Device.gpu()));
        assertEquals("training on gpu(0) (device = gpu; DJL sees 2 GPUs)", Trainer.deviceLine("gpu", 2, Device.gpu()));
    }

    @Test void autoFallsBackToTheCpuSayingHowToReachCuda() {
        String line = Trainer.deviceLine("auto", 0, Device.cpu());
        assertTrue(line.startsWith("training on cpu (device = auto; DJL sees no GPU, libtorch "), line);
        assertTrue(line.contains("--djl-online") && line.contains("PYTORCH_LIBRARY_PATH"), line);
        assertEquals("training on cpu (device = cpu; DJL sees 2 GPUs)", Trainer.deviceLine("cpu", 2, Device.cpu()));
    }
}
