/**
 * mask3d: Deep 3D Mask Volume (Lin et al., ICCV 2021) as a Java research library.
 *
 * <p>Layers, lowest first; a package uses only those above it: {@code io}, {@code geometry}, {@code data},
 * {@code render}, {@code model}, {@code train}, {@code eval}, {@code viz}, {@code notebook}, {@code cli}.
 */
package org.mask3d;
