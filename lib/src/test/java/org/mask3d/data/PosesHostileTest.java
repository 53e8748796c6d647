package org.mask3d.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Mat;
import org.mask3d.io.Npy;
import org.mask3d.io.NpyArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad camera data, refused where the scene is opened (so {@code prepare check}, {@code psv}, {@code train-*},
 * {@code render} and {@code evaluate} all refuse): NaN/Inf anywhere in a {@code poses_bounds.npy} row, degenerate
 * rotations, {@code near ≥ far}, non-positive focal lengths, singular intrinsics, wrong shapes; the same rows in an
 * authors' h5 scene's {@code _pb.npy}; truncated h5 files; folders and FIFOs in place of frames. Each is one line naming
 * the file, the row and the field.
 */
class PosesHostileTest {
    @TempDir Path tmp;

    private Path scene() {
        Path dir = tmp.resolve("scene");
        if (!Files.exists(dir)) new SyntheticRig(new SyntheticRig.Options(32, 18, 1, 3, 0.1, 2, 0)).write(dir, 2, null);
        return dir;
    }

    /** The scene with row {@code row} of its poses changed by {@code edit} (the 17 numbers of the row). */
    private Path sceneWithRow(int row, Consumer<double[]> edit) {
        Path dir = scene();
        Path pb = dir.resolve("poses_bounds.npy");
        NpyArray a = Npy.read(pb);
        double[] v = a.doubles();
        double[] r = Arrays.copyOfRange(v, row * 17, row * 17 + 17);
        edit.accept(r);
        System.arraycopy(r, 0, v, row * 17, 17);
        Npy.write(pb, NpyArray.ofDouble(v, a.dim(0), 17));
        return dir;
    }

    /** Opening fails with one clean line holding every fragment, within 5 s; prepare check reports the same line. */
    private static String refused(Path dir, String... fragments) {
        String m = rejects(() -> Scenes.open(dir), fragments);
        List<DatasetCheck.Report> reps = DatasetCheck.scan(dir);
        assertFalse(reps.get(0).ok(), "prepare check must report it");
        assertTrue(reps.get(0).problems().get(0).contains(fragments[0]), reps.get(0).problems().toString());
        return m;
    }

    static String rejects(Executable ex, String... fragments) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            InputException e = assertThrows(InputException.class, ex);
            String m = e.getMessage();
            for (String f : fragments) assertTrue(m.contains(f), "message lacks '" + f + "': " + m);
            for (char c : m.toCharArray()) assertFalse(c < 0x20, "control character in: " + m);
            return m;
        });
    }

    private String pb() { return scene().resolve("poses_bounds.npy").toString(); }

    @Test void cleanSceneOpens() {
        assertEquals(3, Scenes.open(scene()).numCameras());
    }

    @Test void nanInARotation() {
        Path d = sceneWithRow(1, r -> r[6] = Double.NaN);
        refused(d, pb(), "row 1", "R[1][1]", "NaN");
    }

    @Test void infiniteFarBound() {
        Path d = sceneWithRow(2, r -> r[16] = Double.POSITIVE_INFINITY);
        refused(d, pb(), "row 2", "far", "Infinity");
    }

    @Test void negativeInfinityInATranslation() {
        Path d = sceneWithRow(0, r -> r[13] = Double.NEGATIVE_INFINITY);
        refused(d, pb(), "row 0", "t[2]");
    }

    @Test void nanImageHeight() {
        Path d = sceneWithRow(1, r -> r[4] = Double.NaN);
        refused(d, pb(), "row 1", "H (column 4)");
    }

    @Test void nanFocal() {
        Path d = sceneWithRow(1, r -> r[14] = Double.NaN);
        refused(d, pb(), "row 1", "f (column 14)");
    }

    @Test void zeroFocal() {
        Path d = sceneWithRow(1, r -> r[14] = 0);
        refused(d, pb(), "row 1", "f=0.0");
    }

    @Test void negativeFocal() {
        Path d = sceneWithRow(2, r -> r[14] = -30);
        refused(d, pb(), "row 2", "f=-30.0");
    }

    @Test void nearEqualsFar() {
        Path d = sceneWithRow(0, r -> r[15] = r[16]);
        refused(d, pb(), "row 0", "near < far");
    }

    @Test void nearBeyondFar() {
        Path d = sceneWithRow(1, r -> r[15] = r[16] * 10);
        refused(d, pb(), "row 1", "near < far");
    }

    @Test void negativeNear() {
        Path d = sceneWithRow(1, r -> r[15] = -1);
        refused(d, pb(), "row 1", "0 < near");
    }

    @Test void zeroRotation() {
        Path d = sceneWithRow(1, r -> { for (int i : new int[]{0, 1, 2, 5, 6, 7, 10, 11, 12}) r[i] = 0; });
        refused(d, pb(), "row 1", "not orthonormal");
    }

    @Test void scaledRotation() {
        Path d = sceneWithRow(2, r -> { for (int i : new int[]{0, 1, 2, 5, 6, 7, 10, 11, 12}) r[i] *= 1.01; });
        refused(d, pb(), "row 2", "not orthonormal");
    }

    @Test void shearedRotation() {
        Path d = sceneWithRow(0, r -> r[1] += 0.05);
        refused(d, pb(), "row 0", "not orthonormal");
    }

    @Test void float32NoiseInARotationIsAccepted() {
        Path d = sceneWithRow(1, r -> { for (int i : new int[]{0, 1, 2, 5, 6, 7, 10, 11, 12}) r[i] = (float) (r[i] * (1 + 3e-7)); });
        assertEquals(3, Scenes.open(d).numCameras());
    }

    @Test void wrongShape() {
        Path d = scene();
        Npy.write(d.resolve("poses_bounds.npy"), NpyArray.ofDouble(new double[45], 3, 15));
        refused(d, pb(), "[N,17]");
    }

    @Test void noRows() {
        Path d = scene();
        Npy.write(d.resolve("poses_bounds.npy"), NpyArray.ofDouble(new double[0], 0, 17));
        refused(d, pb(), "[N,17]");
    }

    @Test void fewerRowsThanCameraFolders() {
        Path d = scene();
        NpyArray a = Npy.read(d.resolve("poses_bounds.npy"));
        Npy.write(d.resolve("poses_bounds.npy"), NpyArray.ofDouble(Arrays.copyOf(a.doubles(), 17), 1, 17));
        refused(d, pb(), "1 cameras but 3 camera folders");
    }

    @Test void truncatedPosesFile() throws IOException {
        Path d = scene();
        Path pb = d.resolve("poses_bounds.npy");
        byte[] b = Files.readAllBytes(pb);
        Files.write(pb, Arrays.copyOf(b, b.length - 40));
        String m = refused(d, pb.toString());
        assertFalse(m.contains("null"), m);
    }

    @Test void folderInPlaceOfAFrameIsReportedNotSkipped() throws IOException {
        Path d = scene();
        Path f = d.resolve("frames/cam01/00001.png");
        Files.delete(f);
        Files.createDirectory(f);
        List<DatasetCheck.Report> reps = DatasetCheck.scan(d);
        assertFalse(reps.get(0).ok());
        assertTrue(reps.get(0).problems().stream().anyMatch(p -> p.contains(f.toString()) && p.contains("folder")), reps.toString());
        Scene s = Scenes.open(d);
        rejects(() -> s.frame(1, 1), f.toString(), "folder");
    }

    @Test void fifoInPlaceOfAFrameDoesNotBlockTheCheck() throws Exception {
        Path d = scene();
        Path f = d.resolve("frames/cam02/00000.png");
        Files.delete(f);
        Process p = new ProcessBuilder("mkfifo", f.toString()).start();
        Assumptions.assumeTrue(p.waitFor() == 0, "mkfifo is not available");
        List<DatasetCheck.Report> reps = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> DatasetCheck.scan(d));
        assertTrue(reps.get(0).problems().stream().anyMatch(q -> q.contains(f.toString()) && q.contains("FIFO")), reps.toString());
    }

    @Test void truncatedFrameIsReportedByCheck() throws IOException {
        Path d = scene();
        Path f = d.resolve("frames/cam00/00001.png");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length / 2));
        List<DatasetCheck.Report> reps = DatasetCheck.scan(d);
        assertTrue(reps.get(0).problems().stream().anyMatch(q -> q.contains(f.toString()) && q.contains("truncated")), reps.toString());
    }

    // ---------------------------------------------------------------- authors' h5 scenes

    private Path h5Copy() throws IOException {
        Path src = H5SceneTest.SCENE;
        Path h5 = tmp.resolve("scene003.h5");
        Files.copy(src, h5);
        Files.copy(AuthorsH5Scene.posesFile(src), AuthorsH5Scene.posesFile(h5));
        return h5;
    }

    @Test void nanInAnH5ScenesPoses() throws IOException {
        Path h5 = h5Copy();
        Path pb = AuthorsH5Scene.posesFile(h5);
        NpyArray a = Npy.read(pb);
        double[] v = a.doubles();
        v[17 + 3] = Double.NaN;
        Npy.write(pb, NpyArray.ofDouble(v, a.dim(0), 17));
        refused(h5, pb.toString(), "row 1", "t[0]", "NaN");
    }

    @Test void truncatedH5File() throws IOException {
        Path h5 = h5Copy();
        byte[] b = Files.readAllBytes(h5);
        Files.write(h5, Arrays.copyOf(b, b.length / 3));
        String m = rejects(() -> {
            try (AuthorsH5Scene s = AuthorsH5Scene.open(h5)) {
                for (int c = 0; c < s.numCameras(); c++) for (int t = 0; t < s.numFrames(); t++) s.frame(c, t);
            }
        }, h5.toString());
        assertFalse(m.contains("null"), m);
    }

    @Test void h5FileCutToItsSuperblock() throws IOException {
        Path h5 = h5Copy();
        Files.write(h5, Arrays.copyOf(Files.readAllBytes(h5), 24));
        refused(h5, h5.toString());
    }

    // ---------------------------------------------------------------- cameras built elsewhere (parity cases, code)

    @Test void singularIntrinsicsNamed() {
        String m = Camera.problem(new double[9], Mat.identity(4));
        assertNotNull(m);
        assertTrue(m.contains("K is singular"), m);
    }

    @Test void nonFiniteOrNonRigidExtrinsicsNamed() {
        double[] k = Camera.intrinsics(30, 32, 18);
        double[] w2c = Mat.identity(4);
        w2c[5] = Double.NaN;
        assertTrue(Camera.problem(k, w2c).contains("w2c[1][1] is NaN"));
        double[] scaled = Mat.identity(4);
        scaled[0] = 2;
        assertTrue(Camera.problem(k, scaled).contains("not orthonormal"));
        double[] proj = Mat.identity(4);
        proj[14] = 1;
        assertTrue(Camera.problem(k, proj).contains("last row"));
        assertNull(Camera.problem(k, Mat.identity(4)));
    }
}
