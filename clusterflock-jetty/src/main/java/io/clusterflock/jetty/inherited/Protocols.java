package io.clusterflock.jetty.inherited;

import io.clusterflock.internal.tls.TlsIdentity;
import java.util.Optional;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * What a worker speaks on the shared socket, as Jetty's chain of connection factories:
 * <ul>
 * <li>clear text: HTTP/1.1, and with HTTP/2 also h2c (a client's prior-knowledge preface, or an
 *     {@code Upgrade: h2c});
 * <li>TLS: the handshake with the identity the master checked, then by ALPN {@code h2} when the
 *     client offers it and HTTP/2 is on, else {@code http/1.1} (also for a client that offers no
 *     ALPN at all).
 * </ul>
 */
public final class Protocols {
    private static final String ALPN_HTTP_1_1 = "http/1.1";
    private Protocols() {}

    /** The factories, the first one the connector's default; {@code http} is left as it is. */
    public static ConnectionFactory[] of(HttpConfiguration http, Optional<TlsIdentity> tls, boolean http2) {
        if (tls.isEmpty()) {
            return http2 ? new ConnectionFactory[] {new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http)}
                    : new ConnectionFactory[] {new HttpConnectionFactory(http)};
        }
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // One certificate serves every name: a client that asks for another name judges the certificate itself.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        SslContextFactory.Server ssl = sslContext(tls.get());
        HttpConnectionFactory http1 = new HttpConnectionFactory(https);
        if (!http2) {
            return new ConnectionFactory[] {new SslConnectionFactory(ssl, http1.getProtocol()), http1};
        }
        ssl.setCipherComparator(HTTP2Cipher.COMPARATOR); // ciphers HTTP/2 allows first (RFC 9113, appendix A)
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(https);
        // ALPN's own names: Jetty compares them as they are, and "HTTP/1.1" is not "http/1.1".
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory(h2.getProtocol(), ALPN_HTTP_1_1);
        alpn.setDefaultProtocol(ALPN_HTTP_1_1);
        return new ConnectionFactory[] {new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, http1};
    }

    private static SslContextFactory.Server sslContext(TlsIdentity identity) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(identity.keyStore());
        ssl.setKeyStorePassword(new String(identity.password()));
        ssl.setKeyManagerPassword(new String(identity.password()));
        return ssl;
    }
}
