package io.clusterflock.jetty.inherited;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;

/**
 * The connection that serves an end point's requests: the end point's own, or, under TLS, the one
 * on the decrypted side of its {@link SslConnection} (HTTP/1.1 or HTTP/2, as ALPN chose).
 */
final class ServedConnection {
    private ServedConnection() {}

    /** Null while a connection is being set up. */
    static Connection of(EndPoint endPoint) {
        Connection connection = endPoint.getConnection();
        return connection instanceof SslConnection ssl ? ssl.getSslEndPoint().getConnection() : connection;
    }
}
