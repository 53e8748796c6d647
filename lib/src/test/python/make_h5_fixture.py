#!/usr/bin/python3
"""Writes the small h5 fixtures that AuthorsH5SceneTest reads (lib/src/test/resources/h5/).

Run with Debian's python3-h5py and python3-numpy (apt-get install -y python3-h5py python3-numpy):

    /usr/bin/python3 lib/src/test/python/make_h5_fixture.py lib/src/test/resources/h5

The output is deterministic (no randomness, no object timestamps), so rerunning it reproduces the committed
files byte for byte. The tests need no Python; only this script does.

Layout, like the authors' `compressed/` release (METHOD.md §2.2, §8): `released/<group>/sceneNNN.h5` with a sibling
`sceneNNN_pb.npy`, keys `rgb` uint8 [C,F,H,W,3], `fg_rgb` uint8 [C,F,H,W,4], `bg_rgb` uint8 [C,H,W,3], LZF
compression, one chunk per image. Pixel values follow a known pattern (see `value`) so the Java side can check
every byte. `bad/` holds one file per bad-input case; `chunks/` holds the same pattern with chunks that are not
one image (partial chunks at the edges), without compression, and with chunks never written (both chunk-index
versions).

With `--full OUT.h5` it instead writes one camera, two frames at 360x640 (the released size) for a read-time
benchmark; that file is not committed.
"""
import os
import sys

import h5py
import numpy as np

LZF = 32000  # the HDF5 filter id of LZF (h5py's built-in lzf filter)

# offset of each key in the value pattern
OFFSET = {"rgb": 0, "fg_rgb": 100, "bg_rgb": 200}


def value(key, cams, frames, h, w, ch):
    """uint8 pattern: (97*cam + 53*t + 11*y + 5*x + 7*channel + offset[key]) mod 256; bg has t = 0."""
    c = np.arange(cams).reshape(-1, 1, 1, 1, 1)
    t = np.arange(frames).reshape(1, -1, 1, 1, 1)
    y = np.arange(h).reshape(1, 1, -1, 1, 1)
    x = np.arange(w).reshape(1, 1, 1, -1, 1)
    k = np.arange(ch).reshape(1, 1, 1, 1, -1)
    return ((97 * c + 53 * t + 11 * y + 5 * x + 7 * k + OFFSET[key]) % 256).astype(np.uint8)


def poses_bounds(cams, h_orig=540.0, w_orig=720.0):
    """LLFF rows [N,17]: rotation columns [down, right, backwards] of a camera looking along -z of LLFF's world,
    centres along x at 0.25 spacing, focal 600 px at 720x540, near 1.5 + 0.1*cam, far 20 + cam."""
    rows = []
    for c in range(cams):
        r = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, -1.0]])  # det = +1
        t = np.array([0.25 * c, 0.05 * c, 0.1 * c])
        hwf = np.array([h_orig, w_orig, 600.0 + 10 * c])
        m = np.concatenate([r, t[:, None], hwf[:, None]], axis=1)  # 3x5
        rows.append(np.concatenate([m.ravel(), [1.5 + 0.1 * c, 20.0 + c]]))
    return np.array(rows, dtype=np.float64)


def write_scene(path, cams=3, frames=2, h=12, w=16, keys=("rgb", "fg_rgb", "bg_rgb"), pb_rows=None,
                compression="lzf", chunked_per_image=True, override=None, libver="earliest", pb_size=(540.0, 720.0)):
    """One scene file; `override` maps a key to an array written instead of the pattern. libver "earliest" is
    h5py's default (version-1 B-tree chunk index, as the authors' files presumably have); "latest" writes
    version-4 layouts (fixed-array chunk index) and much smaller files."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    override = override or {}
    # no modification times anywhere (the root group's included), so the output is byte-for-byte reproducible
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    fcpl.set_obj_track_times(False)
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    bound = h5py.h5f.LIBVER_LATEST if libver == "latest" else h5py.h5f.LIBVER_EARLIEST
    fapl.set_libver_bounds(bound, h5py.h5f.LIBVER_LATEST)
    with h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl)) as f:
        for key in keys:
            if key in override:
                data = override[key]
            elif key == "bg_rgb":
                data = value(key, cams, 1, h, w, 3)[:, 0]
            else:
                data = value(key, cams, frames, h, w, 4 if key == "fg_rgb" else 3)
            if chunked_per_image is True:
                chunks = (1,) * (data.ndim - 3) + data.shape[-3:]
            elif chunked_per_image is False:
                chunks = None
            else:
                chunks = chunked_per_image[key]
            f.create_dataset(key, data=data, chunks=chunks, compression=compression if chunks else None,
                             track_times=False)
    # check the filter really is in the file
    with h5py.File(path, "r") as f:
        for key in f:
            plist = f[key].id.get_create_plist()
            filters = [plist.get_filter(i)[0] for i in range(plist.get_nfilters())]
            if compression == "lzf" and f[key].chunks:
                assert filters == [LZF], (path, key, filters)
    np.save(path[:-3] + "_pb.npy", poses_bounds(cams if pb_rows is None else pb_rows, *pb_size))


def main(argv):
    if len(argv) == 3 and argv[1] == "--full":
        # photo-like content (smooth shading, edges, sensor noise) so LZF compresses about as much as on real
        # frames; the exact pattern of the small fixtures would compress far better and decode faster
        path = argv[2]
        rng = np.random.default_rng(0)
        y, x = np.mgrid[0:360, 0:640].astype(np.float64)
        def image(seed):
            base = 120 + 60 * np.sin(x / 37.0 + seed) * np.cos(y / 23.0) + 30 * ((x // 80 + y // 60) % 2)
            img = base[..., None] + np.array([0.0, 10.0, -15.0]) + rng.normal(0, 0.5, (360, 640, 3))
            return np.clip(img, 0, 255).astype(np.uint8)
        rgb = np.stack([image(0), image(1)])[None]
        fg = np.concatenate([rgb, np.full(rgb.shape[:-1] + (1,), 255, np.uint8)], axis=-1)
        write_scene(path, cams=1, frames=2, h=360, w=640, override={"rgb": rgb, "fg_rgb": fg, "bg_rgb": rgb[:, 0]},
                    pb_size=(540.0, 960.0))  # the authors' 1080p undistorted size, 16:9
        with h5py.File(path, "r") as f:
            stored = f["rgb"].id.get_storage_size()
            print("rgb stored", stored, "bytes of", f["rgb"].size, "(%.0f%%)" % (100.0 * stored / f["rgb"].size))
        print("wrote", path, os.path.getsize(path), "bytes")
        return
    if len(argv) != 2:
        sys.exit("usage: make_h5_fixture.py OUT_DIR | --full OUT.h5")
    out = argv[1]
    # the released glob: root/*/*.h5
    write_scene(os.path.join(out, "released", "train", "scene003.h5"))
    write_scene(os.path.join(out, "released", "test", "scene001.h5"), cams=2, frames=3, h=6, w=8)
    # chunking other than one image per chunk, and an unchunked (contiguous, uncompressed) file
    write_scene(os.path.join(out, "chunks", "partial.h5"),
                chunked_per_image={"rgb": (2, 1, 5, 7, 3), "fg_rgb": (1, 2, 12, 16, 4), "bg_rgb": (3, 5, 16, 2)}, libver="latest")
    write_scene(os.path.join(out, "chunks", "contiguous.h5"), chunked_per_image=False, compression=None)
    # chunks never written (HDF5 reads them as the fill value: h5py's default 0, or 9): only rgb[1, 0] holds data
    for libver, fill in (("earliest", 0), ("latest", 9)):
        sparse = os.path.join(out, "chunks", "sparse_%s.h5" % libver)
        write_scene(sparse, libver=libver)
        with h5py.File(sparse, "r+") as f:
            del f["rgb"]
            d = f.create_dataset("rgb", shape=(3, 2, 12, 16, 3), dtype=np.uint8, chunks=(1, 1, 12, 16, 3),
                                 compression="lzf", track_times=False, fillvalue=fill)
            d[1, 0] = value("rgb", 3, 2, 12, 16, 3)[1, 0]
    # bad input, tiny: 2 cameras, 1 frame, 4x6
    small = dict(cams=2, frames=1, h=4, w=6, libver="latest")
    bad = os.path.join(out, "bad")
    write_scene(os.path.join(bad, "missing_fg.h5"), keys=("rgb", "bg_rgb"), **small)
    write_scene(os.path.join(bad, "wrong_rank.h5"), override={"rgb": value("rgb", 2, 1, 4, 6, 3)[:, 0]}, **small)
    write_scene(os.path.join(bad, "wrong_channels.h5"), override={"fg_rgb": value("fg_rgb", 2, 1, 4, 6, 3)}, **small)
    write_scene(os.path.join(bad, "wrong_size.h5"), override={"bg_rgb": value("bg_rgb", 2, 1, 5, 6, 3)[:, 0]}, **small)
    write_scene(os.path.join(bad, "wrong_frames.h5"), override={"fg_rgb": value("fg_rgb", 2, 2, 4, 6, 4)}, **small)
    write_scene(os.path.join(bad, "wrong_dtype.h5"),
                override={"rgb": value("rgb", 2, 1, 4, 6, 3).astype(np.float32) / 255}, **small)
    write_scene(os.path.join(bad, "wrong_cams.h5"), pb_rows=3, **small)
    write_scene(os.path.join(bad, "no_pb.h5"), **small)
    os.remove(os.path.join(bad, "no_pb_pb.npy"))
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
    print("wrote", out, total, "bytes")


if __name__ == "__main__":
    main(sys.argv)
