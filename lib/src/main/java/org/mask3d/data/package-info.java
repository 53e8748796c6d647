/**
 * Scene sources (synthetic rigs now; LLFF folders, the authors' h5 scenes and RealEstate10K to come),
 * preprocessing steps, samplers.
 */
package org.mask3d.data;
