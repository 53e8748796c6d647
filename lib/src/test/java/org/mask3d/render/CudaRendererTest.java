package org.mask3d.render;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** CPU-side checks of the CUDA renderer: always run (no GPU needed). */
class CudaRendererTest {
    /** Kernels the library stopped launching; they live in lib/benchmarks/gpu-lab/lab.cu now. */
    static final String[] LAB_ONLY = {"render_f32", "render_f16", "render3_f32_u1", "render3_f16_u1_r2", "blend_f32",
            "blend_f16", "psv_pack", "plane_sweep3"};

    @Test void ptxResourcesExistAndDeclareEveryKernel() {
        for (String f : new String[]{"mpi_render.sm_90.ptx", "mpi_render.compute_75.ptx"}) {
            byte[] b = CudaRenderer.ptx(f);
            assertEquals(0, b[b.length - 1], "NUL-terminated for cuModuleLoadData");
            String text = new String(b, 0, b.length - 1, StandardCharsets.US_ASCII);
            String target = f.contains("sm_90") ? "sm_90" : "sm_75";   // compute_75 PTX declares .target sm_75
            assertTrue(text.contains(".target " + target), f + " targets " + target);
            List<String> kernels = CudaRenderer.kernelNames();
            assertEquals(23, kernels.size(), kernels.toString());
            for (String k : kernels) assertTrue(text.contains(".entry " + k + "("), f + " declares " + k);
            for (String k : LAB_ONLY) assertFalse(text.contains(".entry " + k + "("), f + " still ships " + k);
            for (String c : new String[]{"c_hom", "c_invd", "c_psv"}) assertTrue(text.contains(".const") && text.contains(c), f + " has " + c);
        }
    }

    /** Where CUDA's ptxas is installed, the PTX must assemble (e.g. constant memory within 64 KB). */
    @Test void ptxAssemblesWherePtxasIsInstalled() throws Exception {
        java.nio.file.Path ptxas = java.nio.file.Path.of("/usr/local/cuda/bin/ptxas");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(ptxas), "no ptxas at " + ptxas);
        for (String[] f : new String[][]{{"mpi_render.sm_90.ptx", "sm_90"}, {"mpi_render.compute_75.ptx", "sm_75"}}) {
            java.nio.file.Path in = java.nio.file.Files.createTempFile("k", ".ptx"), out = java.nio.file.Files.createTempFile("k", ".cubin");
            byte[] b = CudaRenderer.ptx(f[0]);
            java.nio.file.Files.write(in, java.util.Arrays.copyOf(b, b.length - 1));
            Process p = new ProcessBuilder(ptxas.toString(), "-arch=" + f[1], in.toString(), "-o", out.toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), f[0] + ": " + log);
            java.nio.file.Files.delete(in);
            java.nio.file.Files.delete(out);
        }
    }

    @Test void availabilityReportsAReasonWhenFalse() {
        boolean ok = CudaRenderer.available();
        String why = CudaRenderer.unavailableReason();
        if (ok) {
            assertEquals("", why);
        } else {
            assertFalse(why.isBlank());
            assertFalse(why.contains("\n"), "one line: " + why);
            System.out.println("CUDA unavailable here (expected on CPU machines): " + why);
            assertThrows(IllegalStateException.class, CudaRenderer::new);
            assertThrows(IllegalStateException.class, () -> Renderers.forDevice("gpu"));
        }
    }

    @Test void autoSelectionFallsBackToCpu() throws Exception {
        MpiRenderer r = Renderers.best();
        try {
            if (CudaRenderer.available()) assertTrue(r instanceof CudaRenderer);
            else assertTrue(r instanceof CpuRenderer);
        } finally {
            if (r instanceof AutoCloseable c) c.close();
        }
        assertTrue(Renderers.forDevice("cpu") instanceof CpuRenderer);
        assertThrows(IllegalArgumentException.class, () -> Renderers.forDevice("tpu"));
    }
}
