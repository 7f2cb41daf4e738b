package io.clusterflock.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One kept-alive HTTP/1.1 connection, as a pooling client holds it: requests go one after another
 * on the same socket, without {@code Connection: close}, until an answer says
 * {@code Connection: close}. Answers must carry a {@code Content-Length}. An end of stream or a
 * reset where an answer was due is an {@link IOException}.
 */
final class LibraryKeepAlive implements AutoCloseable {
    private static final int TIMEOUT_MS = 10_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int port;

    /** An answer: status, headers with lower-case names, body. */
    record Response(int status, Map<String, String> headers, String body) {
        /** Whether the server said this connection ends here. */
        boolean closes() {
            return headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT).contains("close");
        }
    }

    private LibraryKeepAlive(Socket socket, int port) throws IOException {
        this.socket = socket;
        this.port = port;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static LibraryKeepAlive open(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(Http.HOST, port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            return new LibraryKeepAlive(socket, port);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** GETs {@code path} on this connection and reads the whole answer. */
    Response get(String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + Http.HOST + ":" + port + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String statusLine = line();
        String[] parts = statusLine.split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: '" + statusLine + "'");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon > 0) {
                headers.merge(header.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        header.substring(colon + 1).strip(), (a, b) -> a + ", " + b);
            }
        }
        String length = headers.get("content-length");
        if (length == null) {
            throw new IOException("an answer without Content-Length: " + statusLine + " " + headers);
        }
        byte[] body = in.readNBytes(Integer.parseInt(length));
        if (body.length < Integer.parseInt(length)) {
            throw new EOFException("the connection ended inside a body");
        }
        return new Response(Integer.parseInt(parts[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    /** Whether the server has closed its end: a read finds the end of the stream. */
    boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the connection ended where an answer was due"
                        + (line.size() > 0 ? " (after '" + line.toString(StandardCharsets.ISO_8859_1) + "')" : ""));
            }
            if (line.size() > 16_384) {
                throw new IOException("a header line over 16 KiB");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
