package org.mask3d.cli;

import org.mask3d.eval.ParityCase;
import org.mask3d.eval.ParityTolerances;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "parity", mixinStandardHelpOptions = true,
        description = {"Recompute a parity case of the released PyTorch code and print the max absolute error per array.",
                "Without --ckpt: depths (from bd), psv (from the source frames, backgrounds and cameras), rgb and "
                        + "fg_acc_alpha (rendered from the case's mpi_fg, mpi_bg, mask). With --ckpt: every array from "
                        + "the inputs and the checkpoint alone: MPINet3d (mpinet_out, mpi_fg, mpi_bg), MaskNet3d (mask), "
                        + "and rgb, fg_acc_alpha rendered from those.",
                "Tolerances per array: 4 x the released code's own largest float32 spread (CPU vs CUDA) on generated "
                        + "cases, at least 1e-5, from the measurement bundled with mask3d (hand-set values when none is "
                        + "bundled; the first output line says which); --tol, --psv-tol, --net-tol override them. "
                        + "The count of values above 1e-5 is printed per array."},
        footer = {"", "Examples:",
                "  ./mask3d parity --case ../shared/fixtures/original-parity/shared-a.npz",
                "  ./mask3d parity --case ../shared/fixtures/original-parity/shared-a.npz --ckpt ../shared/fixtures/original-parity/shared-a.ckpt",
                "  ./mask3d parity --case case.npz --tol 1e-4",
                "", "Exit status: 0 if every array is within the tolerance, 1 otherwise, 2 on bad input."})
final class ParityCommand implements Callable<Integer> {
    @Option(names = "--case", required = true, paramLabel = "FILE.npz", description = "The parity case (.npz).")
    Path casePath;

    @Option(names = "--tol", description = "Maximum absolute error allowed for depths and, without --ckpt, rgb and "
            + "fg_acc_alpha; raises psv's to at least this (default: derived per array, see above).")
    Double tol;

    @Option(names = "--ckpt", paramLabel = "FILE", description = "A checkpoint with models.mpi_net.* and models.mask_net.* "
            + "(Lightning .ckpt or a state-dict .pth): recompute the network arrays too.") Path ckpt;

    @Option(names = "--net-tol", description = "Maximum absolute error allowed for the arrays computed by the networks "
            + "(with --ckpt: mpinet_out, mpi_fg, mpi_bg, mask, rgb, fg_acc_alpha; default: derived per array, see above).")
    Double netTol;

    @Option(names = "--psv-tol", description = "Maximum absolute error allowed for psv (default: derived, see above; the "
            + "reference's float32 source coordinates carry ~1e-5 px of rounding noise, doubled at view borders).")
    Double psvTol;

    @Override public Integer call() {
        ParityCase pc = ParityCase.load(casePath);
        ParityTolerances tolerances = ParityTolerances.defaults().withOverrides(tol, psvTol, netTol);
        List<ParityCase.ArrayError> errors;
        if (ckpt != null) {
            try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
                org.mask3d.model.MpiNet3d mpi = org.mask3d.model.Networks.initialize(new org.mask3d.model.MpiNet3d(), m, ai.djl.ndarray.types.DataType.FLOAT32);
                org.mask3d.model.MaskNet3d mask = org.mask3d.model.Networks.initialize(new org.mask3d.model.MaskNet3d(), m, ai.djl.ndarray.types.DataType.FLOAT32);
                org.mask3d.model.Checkpoints.load(ckpt, "--ckpt", mpi, mask);
                errors = pc.checkWithNetworks(mpi, mask, tolerances);
            }
            System.out.printf("parity case %s (%d x %d) with %s: networks in DJL (CPU), rendering in DJL ops, float32%n",
                    casePath, pc.width(), pc.height(), ckpt);
        } else {
            errors = pc.check(tolerances);
            System.out.printf("parity case %s (%d x %d), CPU renderer, float32%n", casePath, pc.width(), pc.height());
        }
        System.out.println("  " + tolerances.describe());
        System.out.printf("  %-14s %-16s %12s %10s %16s  %s%n", "array", "shape", "max |err|", "tolerance", "values > 1e-5", "");
        boolean ok = true;
        for (ParityCase.ArrayError e : errors) {
            System.out.printf("  %-14s %-16s %12.3e %10.1e %7d / %-8d  %s%n", e.name(), e.shape(), e.maxAbsError(),
                    e.tolerance(), e.above1e5(), e.count(), e.ok() ? "ok" : "FAIL");
            ok &= e.ok();
        }
        System.out.println(ok ? "all arrays within tolerance" : "some arrays exceed the tolerance");
        return ok ? 0 : 1;
    }
}
