package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mask3d.InputException;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The loss_type table of both stages: keys, which stage accepts each, composition weights, required inputs, gradients. */
class LossTypeTest {
    static NDManager m;
    static Vgg19BnFeatures net;
    static LossType.Inputs in;

    @BeforeAll static void start() {
        m = NDManager.newBaseManager();
        net = Vgg19BnFeatures.fromStateDict(m, RandomVgg.stateDict(m));
        m.getEngine().setRandomSeed(3);
        in = new LossType.Inputs(m.randomUniform(0, 1, new Shape(1, 3, 16, 16)),
                m.randomUniform(0, 1, new Shape(1, 3, 16, 16)), m.randomUniform(-0.2f, 1, new Shape(1, 1, 4, 16, 16)),
                m.randomUniform(0, 1, new Shape(1, 16, 16)), m.randomUniform(0, 1, new Shape(1, 16, 16)).gt(0.7)
                .toType(DataType.FLOAT32, false));
    }

    @AfterAll static void stop() { m.close(); }

    @Test void keysAreTheReleasedOnes() {
        for (LossType l : LossType.values()) assertSame(l, LossType.fromKey(l.key()));
        assertEquals(LossType.VGG_ONLY, LossType.fromKey("vgg_only"));
        assertEquals(LossType.FULL_LOSS, LossType.fromKey("full_loss"));
        var e = assertThrows(InputException.class, () -> LossType.fromKey("vgg_onyl"));
        assertTrue(e.getMessage().contains("vgg_only, no_mask, full_loss, mse, l1"), e.getMessage());
        var e2 = assertThrows(InputException.class, () -> LossType.fromKey("fgbgl1"));
        assertTrue(e2.getMessage().contains("never produces"), e2.getMessage());
        assertTrue(LossType.NO_MASK.needsVgg());
        assertFalse(LossType.MSE.needsVgg());
    }

    @Test void eachStageAcceptsItsOwnKeys() {
        assertEquals(java.util.List.of(LossType.MSE, LossType.L1, LossType.VGG), LossType.of(LossType.Stage.MPI));
        assertEquals(java.util.List.of(LossType.VGG_ONLY, LossType.NO_MASK, LossType.FULL_LOSS, LossType.MSE, LossType.L1,
                LossType.L1_NO_MASK, LossType.L1_FULL_LOSS), LossType.of(LossType.Stage.MASK));
        assertSame(LossType.VGG, LossType.forStage("VGG", LossType.Stage.MPI));
        assertSame(LossType.L1, LossType.forStage("l1", LossType.Stage.MASK));
        String e = assertThrows(InputException.class, () -> LossType.forStage("vgg_only", LossType.Stage.MPI)).getMessage();
        assertEquals("loss_type vgg_only is a train-mask loss; train-mpi accepts mse, l1, vgg", e);
        e = assertThrows(InputException.class, () -> LossType.forStage("vgg", LossType.Stage.MASK)).getMessage();
        assertTrue(e.startsWith("loss_type vgg is a train-mpi loss; train-mask accepts vgg_only, no_mask, full_loss, mse, l1"), e);
        e = assertThrows(InputException.class, () -> LossType.forStage("l2", LossType.Stage.MPI)).getMessage();
        assertEquals("unknown loss_type l2; use one of mse, l1, vgg for train-mpi", e);
        assertSame(LossType.L1, LossType.VGG.l1Counterpart());
        assertSame(LossType.L1, LossType.VGG_ONLY.l1Counterpart());
        assertSame(LossType.FULL_LOSS, LossType.forMaskStage("full_loss"));
    }

    @Test void stageOneLossesAreTheImageTerms() {
        LossType.Inputs images = LossType.Inputs.images(in.rgb(), in.targetRgb());
        VggBnLoss vgg = new VggBnLoss(net);
        assertEquals(Losses.l1(in.rgb(), in.targetRgb()).getFloat(), LossType.L1.compute(images, null).total().getFloat());
        assertEquals(Losses.mse(in.rgb(), in.targetRgb()).getFloat(), LossType.MSE.compute(images, null).total().getFloat());
        assertEquals(LossType.VGG_ONLY.compute(images, vgg).total().getFloat(), LossType.VGG.compute(images, vgg).total().getFloat());
        assertEquals(java.util.Set.of("vgg"), LossType.VGG.compute(images, vgg).terms().keySet());
        for (LossType l : LossType.values()) assertEquals(l.terms(), java.util.List.copyOf(l.compute(in, vgg).terms().keySet()), l.key());
    }

    @Test void compositesAddTheReleasedWeights() {
        VggBnLoss vgg = new VggBnLoss(net);
        double v = vgg.compute(in.rgb(), in.targetRgb()).getFloat();
        double mask = Losses.maskLoss(in.fgAccAlpha(), in.targetMask()).getFloat();
        double sparse = Losses.sparse(in.maskVolume()).getFloat();
        assertTrue(mask > 0.01 && sparse > 0.01 && v > 0.01);
        LossType.Result full = LossType.FULL_LOSS.compute(in, vgg);
        assertEquals(v + 0.25 * mask + 0.10 * sparse, full.total().getFloat(), 1e-5 * v);
        assertEquals(DataType.FLOAT32, full.total().getDataType());
        assertEquals(java.util.List.of("vgg", "mask", "sparse"), java.util.List.copyOf(full.terms().keySet()));
        assertEquals(mask, full.terms().get("mask").getFloat(), 1e-7);
        assertEquals(v + 0.10 * sparse, LossType.NO_MASK.compute(in, vgg).total().getFloat(), 1e-5 * v);
        assertEquals(v, LossType.VGG_ONLY.compute(in, vgg).total().getFloat(), 1e-7 * v);
        assertEquals(Losses.mse(in.rgb(), in.targetRgb()).getFloat(), LossType.MSE.compute(in, null).total().getFloat());
        assertEquals(Losses.l1(in.rgb(), in.targetRgb()).getFloat(), LossType.L1.compute(in, null).total().getFloat());
    }

    @Test void l1AblationVariantsSwapOnlyTheVggTerm() {
        double l1 = Losses.l1(in.rgb(), in.targetRgb()).getFloat();
        double mask = Losses.maskLoss(in.fgAccAlpha(), in.targetMask()).getFloat();
        double sparse = Losses.sparse(in.maskVolume()).getFloat();
        LossType.Result full = LossType.L1_FULL_LOSS.compute(in, null);
        assertEquals(l1 + 0.25 * mask + 0.10 * sparse, full.total().getFloat(), 1e-6);
        assertEquals(java.util.List.of("l1", "mask", "sparse"), java.util.List.copyOf(full.terms().keySet()));
        assertEquals(l1 + 0.10 * sparse, LossType.L1_NO_MASK.compute(in, null).total().getFloat(), 1e-6);
        assertSame(LossType.L1_NO_MASK, LossType.fromKey("l1_no_mask"));
        assertSame(LossType.L1_FULL_LOSS, LossType.fromKey("l1_full_loss"));
        assertSame(LossType.L1, LossType.VGG_ONLY.l1Counterpart());
        assertSame(LossType.L1_NO_MASK, LossType.NO_MASK.l1Counterpart());
        assertSame(LossType.L1_FULL_LOSS, LossType.FULL_LOSS.l1Counterpart());
        assertSame(LossType.MSE, LossType.MSE.l1Counterpart());
        assertFalse(LossType.L1_FULL_LOSS.needsVgg());
        assertTrue(LossType.L1_FULL_LOSS.needsTargetMask() && LossType.FULL_LOSS.needsTargetMask());
        assertFalse(LossType.L1_NO_MASK.needsTargetMask());
        var e = assertThrows(IllegalArgumentException.class, () -> LossType.L1_FULL_LOSS.compute(
                new LossType.Inputs(in.rgb(), in.targetRgb(), in.maskVolume(), in.fgAccAlpha(), null), null));
        assertTrue(e.getMessage().contains("targetMask"), e.getMessage());
    }

    @Test void missingVggOrInputsAreNamed() {
        for (LossType l : new LossType[]{LossType.VGG_ONLY, LossType.NO_MASK, LossType.FULL_LOSS}) {
            var e = assertThrows(InputException.class, () -> l.compute(in, null));
            assertEquals(Vgg19BnFeatures.MISSING_WEIGHTS, e.getMessage());
        }
        VggBnLoss vgg = new VggBnLoss(net);
        var e = assertThrows(IllegalArgumentException.class, () -> LossType.FULL_LOSS.compute(
                new LossType.Inputs(in.rgb(), in.targetRgb(), in.maskVolume(), null, in.targetMask()), vgg));
        assertTrue(e.getMessage().contains("fgAccAlpha"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> LossType.NO_MASK.compute(
                new LossType.Inputs(in.rgb(), in.targetRgb(), null, null, null), vgg));
        assertTrue(e2.getMessage().contains("maskVolume"), e2.getMessage());
        // what a loss does not use may be absent
        assertDoesNotThrow(() -> LossType.VGG_ONLY.compute(new LossType.Inputs(in.rgb(), in.targetRgb(),
                null, null, null), vgg));
    }

    @Test void fullLossGradientsInFloat64() {
        Random r = new Random(12);
        try (NDManager s = m.newSubManager();
             Vgg19BnFeatures n64 = Vgg19BnFeatures.fromStateDict(s, RandomVgg.stateDict(s), "features.", DataType.FLOAT64)) {
            VggBnLoss vgg = new VggBnLoss(n64);
            NDArray rgb = s.randomUniform(0, 1, new Shape(1, 3, 16, 16)).toType(DataType.FLOAT64, false);
            NDArray tgt = s.randomUniform(0, 1, new Shape(1, 3, 16, 16)).toType(DataType.FLOAT64, false);
            NDArray mask = in.targetMask().toType(DataType.FLOAT64, false);
            double[] vol = new double[4 * 16 * 16], alpha = new double[16 * 16];
            for (int i = 0; i < vol.length; i++) vol[i] = (r.nextBoolean() ? 1 : -1) * (0.05 + r.nextDouble());
            for (int i = 0; i < alpha.length; i++) alpha[i] = 0.05 + 0.9 * r.nextDouble();
            NDArray volA = s.create(vol, new Shape(1, 1, 4, 16, 16)), alphaA = s.create(alpha, new Shape(1, 16, 16));
            int[] some = {0, 17, 100, 255, 511, 1023};
            GradCheck.check(s, vol, new Shape(1, 1, 4, 16, 16), v -> LossType.FULL_LOSS.compute(
                    new LossType.Inputs(rgb, tgt, v, alphaA, mask), vgg).total(), some, 1e-6, 1e-8);
            GradCheck.check(s, alpha, new Shape(1, 16, 16), a -> LossType.FULL_LOSS.compute(
                    new LossType.Inputs(rgb, tgt, volA, a, mask), vgg).total(), new int[]{0, 40, 77, 130, 200, 255},
                    1e-6, 1e-8);
            // d full / d volume = 0.10 · sign(v) / numel
            double[] g = GradCheck.autograd(s, vol, new Shape(1, 1, 4, 16, 16), v -> LossType.FULL_LOSS.compute(
                    new LossType.Inputs(rgb, tgt, v, alphaA, mask), vgg).total());
            for (int i = 0; i < vol.length; i += 97) assertEquals(0.10 * Math.signum(vol[i]) / vol.length, g[i], 1e-15);
        }
    }
}
