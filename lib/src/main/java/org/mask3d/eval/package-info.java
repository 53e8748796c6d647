/** Evaluation: metrics, parity checks against the released implementation's outputs, result tables. */
package org.mask3d.eval;
