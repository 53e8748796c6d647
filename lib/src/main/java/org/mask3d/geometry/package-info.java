/**
 * Cameras, pose conventions, plane depths, homographies and render paths.
 *
 * <h2>Conventions (the whole library follows these)</h2>
 * <ul>
 *   <li><b>Extrinsics</b> are world-to-camera 4×4 matrices ({@code w2c}) in OpenCV camera axes: x right, y down,
 *       z forward. Matrices are {@code double[]} in row-major order (9 for 3×3, 16 for 4×4).</li>
 *   <li><b>LLFF</b> {@code poses_bounds.npy} rows hold a camera-to-world 3×5 {@code [R | t | (H,W,f)]} whose
 *       rotation columns are [down, right, backwards], then [near, far]. {@link org.mask3d.geometry.Llff} converts
 *       exactly as the released code (METHOD.md §2.1): invert, swap rows 0/1, negate row 2, negate column 2 (a
 *       global world reflection that cancels in every relative transform).</li>
 *   <li><b>Intrinsics</b> {@code K = [[fx,0,cx],[0,fy,cy],[0,0,1]]} in pixels; <b>pixel centres</b> are at
 *       {@code +0.5}: pixel (x, y) covers [x, x+1) and its centre is (x+0.5, y+0.5).</li>
 *   <li><b>Relative pose</b> of a target to a reference: {@code T = E_tgt · E_ref⁻¹}, so
 *       {@code p_tgt = R p_ref + t}.</li>
 *   <li><b>Planes</b> of an MPI or PSV are ordered back to front: index 0 is the farthest; depths are linear in
 *       disparity, {@code depth_i = 1 / lerp(1/far, 1/near, i/(D-1))}.</li>
 * </ul>
 */
package org.mask3d.geometry;
