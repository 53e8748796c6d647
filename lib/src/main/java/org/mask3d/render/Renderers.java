package org.mask3d.render;

/** Picks a renderer for the machine: the CUDA renderer where a driver and device are present, else the CPU one. */
public final class Renderers {
    private Renderers() {}

    /**
     * The fastest renderer available here, announced in one line on standard error: a {@link CudaRenderer} (close
     * it when done) or, where there is no CUDA driver or device, a {@link CpuRenderer} with the reason.
     */
    public static MpiRenderer best() {
        if (CudaRenderer.available()) {
            CudaRenderer r = new CudaRenderer();
            System.err.println("renderer: " + r.name());
            return r;
        }
        CpuRenderer r = new CpuRenderer();
        System.err.println("renderer: " + r.name() + " (GPU not used: " + CudaRenderer.unavailableReason() + ")");
        return r;
    }

    /**
     * A renderer for a {@code --device} option: "gpu" (CUDA, failing with the reason where unavailable), "cpu", or
     * "auto" ({@link #best()}).
     */
    public static MpiRenderer forDevice(String device) {
        switch (device.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu": return new CpuRenderer();
            case "gpu": case "cuda":
                if (!CudaRenderer.available()) throw new IllegalStateException("--device gpu: " + CudaRenderer.unavailableReason());
                return new CudaRenderer();
            case "auto": return best();
            default: throw new IllegalArgumentException("device must be cpu, gpu or auto, got " + device);
        }
    }
}
