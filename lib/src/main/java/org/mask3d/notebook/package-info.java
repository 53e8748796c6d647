/**
 * The mask3d Jupyter kernel ({@link org.mask3d.notebook.Mask3dKernel}): JShell evaluation in the kernel's JVM with
 * IJava's behaviour, IJava's magics ({@code %jars %classpath %maven %load %%loadFromPOM}) and display API
 * ({@link org.mask3d.notebook.Display}), and the library's display renderers ({@link org.mask3d.notebook.DisplayRenderers}).
 * Built on IJava's base library, {@code io.github.spencerpark:jupyter-jvm-basekernel}, with its shell and control
 * loops replaced ({@link org.mask3d.notebook.GuardedConnection}): a wrongly signed, unsigned or malformed message is
 * dropped and logged in one line on the kernel's stderr, and the kernel keeps serving.
 *
 * <p>Layering: this package may use every other package of the library; no other package uses it.
 */
package org.mask3d.notebook;
