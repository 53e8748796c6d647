// Start-up script of the "mask3d" Jupyter kernel (org.mask3d.notebook.Mask3dKernel runs it, given by kernel.sh as
// -Dmask3d.kernel.init, before the first cell): the imports every notebook would otherwise repeat, so a notebook's
// first cell needs no paths. The kernel itself adds `import static org.mask3d.notebook.Display.*` (display,
// render, updateDisplay).
// Import only packages that exist in lib/src/main/java: an import of a missing package breaks the start-up.
import java.util.*;
import java.util.stream.*;
import java.io.*;
import java.nio.file.*;
import java.awt.image.BufferedImage;
import org.knowm.xchart.*;
import org.mask3d.*;
import org.mask3d.io.*;
import org.mask3d.geometry.*;
import org.mask3d.data.*;
import org.mask3d.render.*;
import org.mask3d.eval.*;
import org.mask3d.viz.*;
import tech.tablesaw.api.*;
