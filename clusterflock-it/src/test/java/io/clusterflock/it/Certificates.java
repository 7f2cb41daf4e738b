package io.clusterflock.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates made as an operator makes them, with openssl, for 127.0.0.1 and
 * localhost; and a client context that trusts the ones a test made.
 */
final class Certificates {
    private Certificates() {}

    /** A PEM certificate and key for CN={@code name}: {@code name}-cert.pem and {@code name}-key.pem in {@code dir}. */
    static List<Path> make(Path dir, String name) {
        Path cert = dir.resolve(name + "-cert.pem");
        Path key = dir.resolve(name + "-key.pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + name,
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        return List.of(cert, key);
    }

    /** A key that belongs to no certificate of {@link #make}'s. */
    static Path strayKey(Path dir) {
        Path key = dir.resolve("stray-key.pem");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
        return key;
    }

    /** Puts {@code from}'s content at {@code to} in one rename, as a deployment replaces a file. */
    static void replace(Path from, Path to) throws IOException {
        Path next = to.resolveSibling(to.getFileName() + ".next");
        Files.copy(from, next, StandardCopyOption.REPLACE_EXISTING);
        Files.move(next, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A client context that trusts exactly {@code certificates}. */
    static SSLContext trusting(Path... certificates) {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            for (Path file : certificates) {
                trusted.setCertificateEntry(file.getFileName().toString(), read(file));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new AssertionError("cannot trust " + List.of(certificates), e);
        }
    }

    /** CN=… of the first certificate a server showed. */
    static String subject(Certificate[] chain) {
        return ((X509Certificate) chain[0]).getSubjectX500Principal().getName();
    }

    private static Certificate read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static void openssl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new AssertionError("openssl is needed to make test certificates (apt-get install openssl)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
