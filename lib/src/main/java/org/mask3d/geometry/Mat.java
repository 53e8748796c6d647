package org.mask3d.geometry;

/** Small dense matrices as row-major {@code double[]} (3×3 = 9 values, 4×4 = 16 values). */
public final class Mat {
    private Mat() {}

    public static double[] identity(int n) {
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) m[i * n + i] = 1;
        return m;
    }

    /** {@code a [n,k] · b [k,m]}. */
    public static double[] mul(double[] a, int n, int k, double[] b, int m) {
        double[] c = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int l = 0; l < k; l++) s += a[i * k + l] * b[l * m + j];
                c[i * m + j] = s;
            }
        }
        return c;
    }

    /** Product of square n×n matrices. */
    public static double[] mul(double[] a, double[] b) {
        int n = side(a);
        if (b.length != a.length) throw new IllegalArgumentException("matrix sizes differ: " + a.length + " vs " + b.length);
        return mul(a, n, n, b, n);
    }

    /** Square matrix times a vector of its size. */
    public static double[] apply(double[] a, double[] v) {
        int n = side(a);
        if (v.length != n) throw new IllegalArgumentException("vector must have " + n + " entries, got " + v.length);
        return mul(a, n, n, v, 1);
    }

    public static double[] transpose(double[] a) {
        int n = side(a);
        double[] t = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
        return t;
    }

    /** Inverse of a square matrix by Gauss–Jordan elimination with partial pivoting. */
    public static double[] inverse(double[] a) {
        int n = side(a);
        double[] m = a.clone();
        double[] inv = identity(n);
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
            if (Math.abs(m[p * n + c]) < 1e-300) throw new ArithmeticException("singular matrix");
            if (p != c) { swapRows(m, n, p, c); swapRows(inv, n, p, c); }
            double d = m[c * n + c];
            for (int j = 0; j < n; j++) { m[c * n + j] /= d; inv[c * n + j] /= d; }
            for (int r = 0; r < n; r++) {
                if (r == c) continue;
                double f = m[r * n + c];
                if (f == 0) continue;
                for (int j = 0; j < n; j++) { m[r * n + j] -= f * m[c * n + j]; inv[r * n + j] -= f * inv[c * n + j]; }
            }
        }
        return inv;
    }

    private static void swapRows(double[] m, int n, int a, int b) {
        for (int j = 0; j < n; j++) { double t = m[a * n + j]; m[a * n + j] = m[b * n + j]; m[b * n + j] = t; }
    }

    /** Rotation block (3×3) of a 4×4 rigid transform. */
    public static double[] rotation(double[] m4) {
        return new double[]{m4[0], m4[1], m4[2], m4[4], m4[5], m4[6], m4[8], m4[9], m4[10]};
    }

    /** Translation column of a 4×4 rigid transform. */
    public static double[] translation(double[] m4) { return new double[]{m4[3], m4[7], m4[11]}; }

    /** Builds a 4×4 rigid transform from R (3×3) and t (3). */
    public static double[] rigid(double[] r, double[] t) {
        return new double[]{r[0], r[1], r[2], t[0], r[3], r[4], r[5], t[1], r[6], r[7], r[8], t[2], 0, 0, 0, 1};
    }

    public static double[] cross(double[] a, double[] b) {
        return new double[]{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    public static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    public static double[] normalize(double[] v) {
        double n = norm(v);
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = v[i] / n;
        return o;
    }

    static int side(double[] a) {
        int n = (int) Math.round(Math.sqrt(a.length));
        if (n * n != a.length) throw new IllegalArgumentException("not a square matrix: " + a.length + " values");
        return n;
    }

    /** Row-major float copy. */
    public static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    /** Widened copy. */
    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
