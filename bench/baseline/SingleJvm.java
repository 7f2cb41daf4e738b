import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.spi.JettyHttpServer;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The single-JVM baseline of bench/throughput.sh and bench/tls.sh: the handler of examples/hello,
 * on the same Jetty 12 and jetty-http-spi (from hello.jar's class path), in one process using every
 * core: a plain ServerConnector that binds the port itself, with Jetty's default acceptors and
 * selectors for this machine, and the same default thread pool a clusterflock worker uses.
 *
 * <p>Options, after PORT and HOST:
 * <ul>
 * <li>{@code reuse-port}: SO_REUSEPORT. N copies then share the port, each with a listen queue of
 *     its own that the kernel fills by a hash of the connection: the alternative to clusterflock's
 *     one shared queue that bench/throughput.sh and bench/fairness.sh measure.
 * <li>{@code tls-cert=FILE tls-key=FILE}: TLS with a PEM certificate (chain) and its PEM (PKCS#8)
 *     private key, EC or RSA.
 * <li>{@code http2}: HTTP/2 as well, h2 by ALPN over TLS, h2c in clear text.
 * </ul>
 * The connection factories are those of clusterflock-jetty's {@code io.clusterflock.jetty.inherited.Protocols}
 * (HTTP/1.1 and h2c; or SslConnectionFactory, ALPN h2 with http/1.1 as default, HTTP/2, HTTP/1.1),
 * so that bench/tls.sh compares the same Jetty and TLS stack in one process against N workers.
 *
 *   java -cp examples/hello/target/hello.jar:CLASSES SingleJvm PORT [HOST [reuse-port] [http2] [tls-cert=FILE tls-key=FILE]]
 */
public final class SingleJvm {
    private SingleJvm() {}

    public static void main(String[] args) throws Exception {
        boolean reusePort = false;
        boolean http2 = false;
        Path cert = null;
        Path key = null;
        for (int i = 2; i < args.length; i++) {
            String option = args[i];
            if (option.equals("reuse-port")) reusePort = true;
            else if (option.equals("http2")) http2 = true;
            else if (option.startsWith("tls-cert=")) cert = Path.of(option.substring("tls-cert=".length()));
            else if (option.startsWith("tls-key=")) key = Path.of(option.substring("tls-key=".length()));
            else throw new IllegalArgumentException("unknown option " + option);
        }
        if ((cert == null) != (key == null)) throw new IllegalArgumentException("tls-cert= and tls-key= go together");
        // examples/hello's handler, unchanged (WORKER_ID comes from the environment here too)
        HttpHandler handler = exchange -> {
            byte[] body = ("hello from worker " + System.getenv("WORKER_ID") + "\n").getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        };
        Server server = new Server(new QueuedThreadPool());
        ServerConnector connector = new ServerConnector(server, factories(new HttpConfiguration(), cert, key, http2));
        connector.setHost(args.length > 1 ? args[1] : "127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        connector.setAcceptQueueSize(1024); // clusterflock's default backlog
        connector.setReusePort(reusePort);
        server.addConnector(connector);
        // as clusterflock-jetty's HttpHandlers: the SPI server in shared mode, on a context collection
        server.setHandler(new ContextHandlerCollection());
        new JettyHttpServer(server, true).createContext("/", handler);
        server.start();
        System.err.println("single JVM: " + Runtime.getRuntime().availableProcessors() + " cores, acceptors "
                + connector.getAcceptors() + ", selectors " + connector.getSelectorManager().getSelectorCount()
                + ", port " + connector.getLocalPort() + (reusePort ? ", SO_REUSEPORT" : "")
                + ", protocols " + connector.getProtocols());
        server.join();
    }

    /** As Protocols.of in clusterflock-jetty. */
    private static ConnectionFactory[] factories(HttpConfiguration http, Path cert, Path key, boolean http2) throws Exception {
        if (cert == null) {
            return http2 ? new ConnectionFactory[] {new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http)}
                    : new ConnectionFactory[] {new HttpConnectionFactory(http)};
        }
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        char[] password = "bench".toCharArray();
        ssl.setKeyStore(keyStore(cert, key, password));
        ssl.setKeyStorePassword(new String(password));
        ssl.setKeyManagerPassword(new String(password));
        HttpConnectionFactory http1 = new HttpConnectionFactory(https);
        if (!http2) {
            return new ConnectionFactory[] {new SslConnectionFactory(ssl, http1.getProtocol()), http1};
        }
        ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(https);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory(h2.getProtocol(), "http/1.1");
        alpn.setDefaultProtocol("http/1.1");
        return new ConnectionFactory[] {new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, http1};
    }

    /** A PKCS#12 key store in memory holding the PEM key and certificate chain. */
    private static KeyStore keyStore(Path cert, Path key, char[] password) throws Exception {
        List<Certificate> chain = new ArrayList<>(CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(cert))));
        String pem = Files.readString(key);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) throw new IllegalArgumentException(key + ": not a PKCS#8 PEM key");
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        String algorithm = chain.getFirst().getPublicKey().getAlgorithm(); // "EC" or "RSA"
        PrivateKey privateKey = KeyFactory.getInstance(algorithm).generatePrivate(spec);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("bench", privateKey, password, chain.toArray(Certificate[]::new));
        return store;
    }
}
