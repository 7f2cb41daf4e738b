package io.clusterflock.spring;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * Warm-up requests over loopback to a connector of the worker's own on 127.0.0.1 (not the shared
 * socket, whose connections any worker may take): the whole socket path of the server gets warm.
 */
final class LoopbackTarget implements InheritedServer.WarmupTarget {
    /** Where the warm-up connector listens. */
    static final String LOOPBACK = "127.0.0.1";
    private static final int ANSWER_MILLIS = 30_000;
    private final IntSupplier port;

    /** {@code port}: the connector's, known once it has started. */
    LoopbackTarget(IntSupplier port) {
        this.port = port;
    }

    @Override
    public int send(byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port.getAsInt()), ANSWER_MILLIS);
            socket.setSoTimeout(ANSWER_MILLIS);
            socket.getOutputStream().write(request);
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12); // "HTTP/1.1 200"
            in.transferTo(OutputStream.nullOutputStream()); // the request said Connection: close: read to the end
            return status(new String(head, StandardCharsets.ISO_8859_1));
        }
    }

    /** The status code of a status line's start. @throws IOException when it is not one */
    static int status(String head) throws IOException {
        int space = head.indexOf(' ');
        try {
            return Integer.parseInt(head.substring(space + 1, space + 4));
        } catch (RuntimeException e) {
            throw new IOException("no HTTP answer: '" + head + "'");
        }
    }
}
