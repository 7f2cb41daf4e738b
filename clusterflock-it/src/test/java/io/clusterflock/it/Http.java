package io.clusterflock.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain HTTP/1.1 GET over a fresh socket with {@code Connection: close}: no client library, no pooling. */
final class Http {
    static final String HOST = "127.0.0.1";
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private Http() {}

    record Response(int status, String head, String body) {}

    static Response get(int port, String path) throws IOException {
        return get(port, path, READ_TIMEOUT);
    }

    /** GETs {@code path}; {@code readTimeout} bounds each read of the answer. */
    static Response get(int port, String path, Duration readTimeout) throws IOException {
        return getFrom(null, port, path, readTimeout);
    }

    /** GETs {@code path} over a connection from {@code client} (a loopback address such as 127.0.0.7; null: any). */
    static Response getFrom(String client, int port, String path) throws IOException {
        return getFrom(client, port, path, READ_TIMEOUT);
    }

    private static Response getFrom(String client, int port, String path, Duration readTimeout) throws IOException {
        try (Socket socket = new Socket()) {
            if (client != null) {
                socket.bind(new InetSocketAddress(client, 0));
            }
            socket.connect(new InetSocketAddress(HOST, port), CONNECT_TIMEOUT_MS);
            socket.setSoTimeout((int) readTimeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + HOST + ":" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String raw = readAll(socket.getInputStream());
            int end = raw.indexOf("\r\n\r\n");
            if (!raw.startsWith("HTTP/") || end < 0) {
                throw new IOException("not an HTTP response: '" + raw + "'");
            }
            String head = raw.substring(0, end);
            String[] statusLine = head.substring(0, head.contains("\r\n") ? head.indexOf("\r\n") : head.length()).split(" ");
            return new Response(Integer.parseInt(statusLine[1]), head, raw.substring(end + 4));
        }
    }

    /** Whether a connection to {@code port} is refused: nothing listens there any more. */
    static boolean refused(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), CONNECT_TIMEOUT_MS);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            bytes.write(buffer, 0, n);
            if (bytes.size() > 1 << 20) {
                throw new IOException("response over 1 MiB");
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
