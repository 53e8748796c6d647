package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * The elementary losses of the released code, as differentiable DJL expressions (METHOD.md §5.2,
 * {@code train_mask/losses.py}). None of them uses DJL's own loss classes (DJL's {@code L1Loss} drops the
 * |label − prediction| term when its weight is not 1, see STACK.md).
 *
 * <p>Every function returns a scalar NDArray (shape []) of the inputs' data type, attached to the first input's
 * manager, and propagates gradients to every input that requires them. Inputs must be float32 or float64.
 */
public final class Losses {
    /** Default dilation kernel size of {@link #maskLoss}: 5 (so padding 2), as {@code MaskLoss(ks=5)}. */
    public static final int MASK_DILATION = 5;
    /** The ε added to both denominators of {@link #maskLoss}: {@code MaskLoss(eps=1e-8)}. */
    public static final double MASK_EPS = 1e-8;

    private Losses() { }

    /**
     * Mean absolute error, {@code nn.L1Loss(reduction='mean')}: {@code L1(x̂, y) = (1/N) Σ_i |x̂_i − y_i|} over all
     * N elements.
     *
     * @param pred   any shape, float32 or float64
     * @param target the same shape and data type as {@code pred}
     */
    public static NDArray l1(NDArray pred, NDArray target) {
        sameShape("pred", pred, "target", target);
        return pred.sub(target).abs().mean();
    }

    /**
     * Mean squared error, {@code nn.MSELoss(reduction='mean')}: {@code MSE(x̂, y) = (1/N) Σ_i (x̂_i − y_i)²} over
     * all N elements.
     *
     * @param pred   any shape, float32 or float64
     * @param target the same shape and data type as {@code pred}
     */
    public static NDArray mse(NDArray pred, NDArray target) {
        sameShape("pred", pred, "target", target);
        NDArray d = pred.sub(target);
        return d.mul(d).mean();
    }

    /**
     * The sparsity loss {@code SparseLoss}: {@code Sparse(M) = Σ_i |M_i| / numel(M)}, the mean absolute value over
     * every element of the mask volume (batch, planes and pixels together).
     *
     * @param mask the mask volume, any non-empty shape (the released code passes [B, 1, D, H, W])
     */
    public static NDArray sparse(NDArray mask) {
        floating("mask", mask);
        if (mask.getShape().size() == 0) throw new IllegalArgumentException("mask must not be empty, got " + mask.getShape());
        return mask.abs().sum().div(mask.getShape().size());
    }

    /** {@link #maskLoss(NDArray, NDArray, int)} with the released kernel size 5. */
    public static NDArray maskLoss(NDArray accAlpha, NDArray mask) { return maskLoss(accAlpha, mask, MASK_DILATION); }

    /**
     * The mask loss {@code MaskLoss(ks)} of the released code, which pulls the rendered foreground alpha up inside
     * the target's foreground mask and down outside a dilated copy of it:
     * <pre>
     *   dil = clamp(conv2d(m[:, None], ones(1, 1, ks, ks), padding = (ks − 1)/2), 0, 1)[:, 0]    # [B, H, W]
     *   bg  = 1 − dil
     *   Lfg = Σ_{b,y,x} |m · (1 − α)| / 2 / (Σ_{b,y,x} |m|  + 1e−8)
     *   Lbg = Σ_{b,y,x} |bg · α|      / 2 / (Σ_{b,y,x} |bg| + 1e−8)
     *   MaskLoss = Lfg + Lbg
     * </pre>
     * Each Σ runs over the whole batch at once (batch, height and width together, as {@code torch.sum} of the
     * full tensor): the loss is one ratio per batch, not a mean of per-image ratios. The dilation pads with zeros,
     * so near the border fewer mask pixels can reach a pixel. The dilated mask carries no gradient to the mask (the
     * mask is a target); the loss is differentiable in α.
     *
     * @param accAlpha α: the accumulated alpha of the masked dynamic MPI at the target view, [B, H, W]
     * @param mask     m: the target's foreground mask (matting alpha &gt; 0.5), [B, H, W], same data type as α
     * @param ks       the dilation kernel size, odd and positive (released: 5)
     */
    public static NDArray maskLoss(NDArray accAlpha, NDArray mask, int ks) {
        if (accAlpha.getShape().dimension() != 3) {
            throw new IllegalArgumentException("accAlpha must be [B,H,W], got " + accAlpha.getShape());
        }
        sameShape("accAlpha", accAlpha, "mask", mask);
        if (ks < 1 || ks % 2 == 0) throw new IllegalArgumentException("ks must be odd and positive, got " + ks);
        int p = (ks - 1) / 2;
        NDArray kernel = mask.getManager().ones(new Shape(1, 1, ks, ks), mask.getDataType());
        NDArray m = mask.stopGradient();
        NDArray conv = Conv2d.conv2d(m.expandDims(1), kernel, null, new Shape(1, 1), new Shape(p, p),
                new Shape(1, 1), 1).singletonOrThrow();
        NDArray bg = conv.clip(0, 1).squeeze(1).neg().add(1);
        NDArray fgRegion = m.mul(accAlpha.neg().add(1));
        NDArray bgRegion = bg.mul(accAlpha);
        NDArray lfg = fgRegion.abs().sum().div(scalar(m, 2)).div(m.abs().sum().add(scalar(m, MASK_EPS)));
        NDArray lbg = bgRegion.abs().sum().div(scalar(m, 2)).div(bg.abs().sum().add(scalar(m, MASK_EPS)));
        return lfg.add(lbg);
    }

    /**
     * A scalar operand of {@code like}'s data type, as a 0-d array in libtorch's own memory
     * ({@link org.mask3d.render.HostArrays#scalar}). Not a Java number: DJL turns a Java {@code double} into a float64
     * 0-d tensor (libtorch promotes a 0-d float32 ⊕ 0-d float64 to float64, so a float32 loss value would silently
     * become float64), and DJL's {@code mul(Number)}/{@code div(Number)} free that tensor while autograd still holds it.
     */
    static NDArray scalar(NDArray like, double v) {
        return org.mask3d.render.HostArrays.scalar(like, v);
    }

    static void sameShape(String na, NDArray a, String nb, NDArray b) {
        floating(na, a);
        if (!a.getShape().equals(b.getShape())) {
            throw new IllegalArgumentException(na + " and " + nb + " must have the same shape, got " + a.getShape()
                    + " and " + b.getShape());
        }
        if (a.getDataType() != b.getDataType()) {
            throw new IllegalArgumentException(na + " and " + nb + " must have the same data type, got "
                    + a.getDataType() + " and " + b.getDataType());
        }
    }

    static void floating(String name, NDArray a) {
        DataType t = a.getDataType();
        if (t != DataType.FLOAT32 && t != DataType.FLOAT64) {
            throw new IllegalArgumentException(name + " must be float32 or float64, got " + t);
        }
    }
}
