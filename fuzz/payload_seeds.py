#!/usr/bin/env python3
"""Turns recordings into payload seeds for recording_reader_fuzzer: the decompressed block
payloads joined by its block separator, so mutations reach the record decoder.
Paths of files that exist here are renamed (same length, '/' -> '~' at the start) so the
fuzzer's analysis symbolizes nothing real: that is slow, and the CLI run covers it.
Usage: payload_seeds.py OUT_DIR RECORDING..."""
import ctypes, ctypes.util, os, re, struct, sys

SEPARATOR = b"\xfeBLK"
zstd = ctypes.CDLL(ctypes.util.find_library("zstd") or "libzstd.so.1")
zstd.ZSTD_decompress.restype = ctypes.c_size_t
zstd.ZSTD_isError.argtypes = [ctypes.c_size_t]


def payloads(data):
    at = 12  # magic + version
    while at + 8 <= len(data):
        compressed, raw = struct.unpack_from("<II", data, at)
        frame = data[at + 8 : at + 8 + compressed]
        if len(frame) < compressed:
            return  # a truncated last block
        out = ctypes.create_string_buffer(raw)
        got = zstd.ZSTD_decompress(out, raw, frame, compressed)
        if zstd.ZSTD_isError(got):
            return
        yield out.raw[:got]
        at += 8 + compressed


def neutralise(payload):
    def rename(match):
        path = match.group(0)
        return b"~" + path[1:] if os.path.exists(path) else path
    return re.sub(rb"/[\x21-\x7e]{3,}", rename, payload)


out_dir = sys.argv[1]
for path in sys.argv[2:]:
    with open(path, "rb") as f:
        blocks = [neutralise(p) for p in payloads(f.read())]
    name = os.path.join(out_dir, os.path.basename(path).removesuffix(".lrk") + ".payload")
    with open(name, "wb") as f:
        f.write(SEPARATOR.join(blocks))
