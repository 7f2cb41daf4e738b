package io.clusterflock.internal.tls;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/** The self-signed test identities under src/test/resources/tls (see the README there). */
public final class TestIdentities {
    public static final String KEYSTORE_PASSWORD = "secret123";

    private TestIdentities() {}

    /** A fixture file: {@code rsa-cert.pem}, {@code rsa-key.pem}, {@code ec-…}, {@code other-…}, {@code rsa.p12}. */
    public static Path file(String name) {
        try {
            return Path.of(TestIdentities.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PEM block of {@code type} around {@code der}. */
    static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
