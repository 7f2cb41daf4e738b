package io.clusterflock.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One kept-alive HTTP/1.1 connection, request after request, as a browser or a pooling client
 * uses it: what a drain must not break. It tells exactly what the server did with the
 * connection: answered (and whether it said {@code Connection: close}), or closed it.
 */
final class LoadKeepAlive implements AutoCloseable {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int port;

    /** One answer; header names in lower case. */
    record Response(int status, Map<String, String> headers, String body) {
        /** Whether the server said it closes the connection after this answer. */
        boolean closes() {
            return headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT).contains("close");
        }
    }

    private LoadKeepAlive(int port) throws IOException {
        this.port = port;
        socket = new Socket();
        socket.connect(new InetSocketAddress(Http.HOST, port), 2_000);
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    static LoadKeepAlive open(int port) throws IOException {
        return new LoadKeepAlive(port);
    }

    /** GETs {@code path} on this connection and reads the whole answer. */
    Response get(String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + Http.HOST + ":" + port + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String statusLine = line();
        if (statusLine == null) {
            throw new EOFException("the server closed the connection instead of answering GET " + path);
        }
        String[] parts = statusLine.split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: '" + statusLine + "'");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header; (header = line()) != null && !header.isEmpty(); ) {
            int colon = header.indexOf(':');
            if (colon > 0) {
                headers.merge(header.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        header.substring(colon + 1).strip(), (a, b) -> a + ", " + b);
            }
        }
        byte[] body;
        if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            body = chunked();
        } else if (headers.containsKey("content-length")) {
            int length = Integer.parseInt(headers.get("content-length"));
            body = in.readNBytes(length);
            if (body.length < length) {
                throw new EOFException("the connection closed inside a body of " + length + " bytes");
            }
        } else {
            body = in.readAllBytes(); // delimited by the close
        }
        return new Response(Integer.parseInt(parts[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    /**
     * Waits up to {@code timeout} for the server to close the connection without sending
     * anything; true if it did. Anything sent on a connection that was asked nothing is a failure.
     */
    boolean closedByServer(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            int b = in.read();
            if (b >= 0) {
                throw new IOException("the server sent data nobody asked for: '" + (char) b + "'...");
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            }
        }
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            if (size == null) {
                throw new EOFException("the connection closed inside a chunked body");
            }
            int length = Integer.parseInt(size.split(";")[0].strip(), 16);
            if (length == 0) {
                for (String trailer; (trailer = line()) != null && !trailer.isEmpty(); ) {
                    // trailers: none expected
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(length));
            line();
        }
    }

    /** One CRLF-terminated line; null at the end of the stream before any byte of it. */
    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            if (line.size() > 16_384) {
                throw new IOException("a line over 16 KiB");
            }
            line.write(b);
        }
        if (line.size() == 0) {
            return null;
        }
        throw new EOFException("the connection closed inside a line: '" + line.toString(StandardCharsets.ISO_8859_1) + "'");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }
}
