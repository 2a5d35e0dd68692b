package io.pgrealtime.gateway.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * One encoded server message shared by every connection it goes to (encode-once fan-out), with
 * its WebSocket text frame (header and payload) built once. Transports queue the
 * object itself; each event loop copies the frame once into a direct buffer and writes duplicates
 * of it to its connections, so a delivery costs no copy, no frame object and no reference count
 * shared between threads.
 *
 * <p>Immutable (the arrays are never written after construction) and so safe to share.
 */
public final class SharedFrame {
    private final byte[] bytes;
    private final byte[] frame;

    public SharedFrame(byte[] bytes) {
        this.bytes = bytes;
        this.frame = frameBytes(bytes);
    }

    /** The message itself (UTF-8 JSON or an Engine.IO packet); must not be modified. */
    public byte[] bytes() {
        return bytes;
    }

    /** The whole WebSocket text frame; must not be modified. */
    public byte[] frame() {
        return frame;
    }

    /** An unmasked, final WebSocket text frame (RFC 6455 §5.2) carrying {@code payload}. */
    public static byte[] frameBytes(byte[] payload) {
        int n = payload.length;
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        byte[] f = new byte[header + n];
        f[0] = (byte) 0x81;
        if (n < 126) {
            f[1] = (byte) n;
        } else if (n <= 0xFFFF) {
            f[1] = 126;
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
        } else {
            f[1] = 127;
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, f, header, n);
        return f;
    }

    /** The same frame in a new direct buffer, for a single connection. */
    public static ByteBuf textFrame(byte[] payload) {
        byte[] f = frameBytes(payload);
        return PooledByteBufAllocator.DEFAULT.directBuffer(f.length, f.length).writeBytes(f);
    }
}
