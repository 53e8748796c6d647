/**
 * Networks and losses: the losses of both training stages ({@link org.mask3d.model.Losses},
 * {@link org.mask3d.model.LossType}) and the frozen VGG19-BN perceptual loss
 * ({@link org.mask3d.model.Vgg19BnFeatures}, {@link org.mask3d.model.VggBnLoss}), all on DJL NDArrays and
 * differentiable through DJL's autograd (METHOD.md §5.1, §5.2).
 *
 * <p>Layouts: an image batch is [B, 3, H, W] with values in [0, 1] (not clamped: a rendered image may leave the
 * range); an accumulated-alpha map and a target mask are [B, H, W]; a mask volume is any shape (the released code
 * passes [B, 1, D, H, W]). Every function checks its shapes eagerly and names the shapes it received.
 *
 * <p>Layering: this package may use {@code io}, {@code geometry}, {@code data} and {@code render}; it never holds
 * data loading or training loops.
 */
package org.mask3d.model;
