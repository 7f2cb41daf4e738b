package io.clusterflock.internal.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a worker's TLS identity lives: a PEM certificate chain and its PEM private key, or one
 * keystore (PKCS#12 or JKS) holding both. Workers get the names, not the contents, and read the
 * files as they start: renewing a certificate is replacing the files, then a reload.
 *
 * @param certificate the PEM chain (server certificate first) or the keystore
 * @param key         the PEM private key (PKCS#8); none with a keystore
 * @param password    the keystore's password (empty for none); unused with PEM
 */
public record TlsFiles(Path certificate, Optional<Path> key, String password) {
    public static final String CERTIFICATE_VARIABLE = "CLUSTERFLOCK_TLS_CERT";
    public static final String KEY_VARIABLE = "CLUSTERFLOCK_TLS_KEY";
    public static final String PASSWORD_VARIABLE = "CLUSTERFLOCK_TLS_PASSWORD";
    /** The variables the master sets for its workers, and drops from what they would inherit otherwise. */
    public static final List<String> VARIABLES = List.of(CERTIFICATE_VARIABLE, KEY_VARIABLE, PASSWORD_VARIABLE);
    /** The password of the in-memory keystore made from PEM files; it never leaves the process. */
    private static final char[] IN_MEMORY = "clusterflock".toCharArray();

    public TlsFiles {
        certificate = certificate.toAbsolutePath();
        key = key.map(Path::toAbsolutePath);
    }

    /** How the master hands them to a worker: absolute names, so a worker's own directory does not matter. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put(CERTIFICATE_VARIABLE, certificate.toString());
        key.ifPresent(k -> env.put(KEY_VARIABLE, k.toString()));
        if (!password.isEmpty()) {
            env.put(PASSWORD_VARIABLE, password);
        }
        return env;
    }

    /** What the master handed this worker, if it serves TLS. */
    public static Optional<TlsFiles> fromEnvironment(Map<String, String> env) {
        String certificate = env.get(CERTIFICATE_VARIABLE);
        if (certificate == null || certificate.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TlsFiles(Path.of(certificate), Optional.ofNullable(env.get(KEY_VARIABLE)).map(Path::of),
                env.getOrDefault(PASSWORD_VARIABLE, "")));
    }

    /** Whether the certificate file is PEM text (else it is taken for a keystore). @throws TlsProblem when unreadable */
    public boolean isPem() throws TlsProblem {
        return Pem.looksLike(read(certificate, false));
    }

    /**
     * Reads and checks the files: the chain parses, the key parses, and the key is the private half
     * of the first certificate's public key.
     *
     * @throws TlsProblem naming what is wrong, and with which file
     */
    public TlsIdentity read() throws TlsProblem {
        byte[] content = read(certificate, false);
        return Pem.looksLike(content) ? fromPem(content) : fromKeystore();
    }

    private TlsIdentity fromPem(byte[] content) throws TlsProblem {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            for (Pem.Block block : Pem.blocks(new String(content, StandardCharsets.US_ASCII))) {
                if (block.type().equals("CERTIFICATE")) {
                    chain.add((X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw TlsProblem.inCertificate("holds a certificate that does not parse (" + e.getMessage() + ")");
        }
        if (chain.isEmpty()) {
            throw TlsProblem.inCertificate("holds no '-----BEGIN CERTIFICATE-----' block");
        }
        Path keyFile = key.orElseThrow(() -> TlsProblem.inCertificate("is a PEM certificate, which needs its private key beside it"));
        PrivateKey privateKey = pemKey(keyFile, chain.getFirst());
        return identity(privateKey, chain.toArray(Certificate[]::new), true);
    }

    private static PrivateKey pemKey(Path file, X509Certificate certificate) throws TlsProblem {
        List<Pem.Block> blocks;
        try {
            blocks = Pem.blocks(new String(read(file, true), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw TlsProblem.inKey("holds a damaged PEM block (" + e.getMessage() + ")");
        }
        for (Pem.Block block : blocks) {
            switch (block.type()) {
                case "PRIVATE KEY" -> {
                    String algorithm = certificate.getPublicKey().getAlgorithm();
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(block.der()));
                    } catch (InvalidKeySpecException e) {
                        throw TlsProblem.inKey("is not an " + algorithm + " private key, the kind of the certificate's key");
                    } catch (GeneralSecurityException e) {
                        throw TlsProblem.inKey("holds a key this JVM cannot read (" + e.getMessage() + ")");
                    }
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw TlsProblem.inKey("is in the older '" + block.type()
                        + "' form; convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW");
                case "ENCRYPTED PRIVATE KEY" -> throw TlsProblem.inKey("is encrypted; give the key unencrypted (readable by"
                        + " the workers' user only), or a PKCS#12 keystore with its password");
                default -> { }
            }
        }
        throw TlsProblem.inKey("holds no '-----BEGIN PRIVATE KEY-----' block");
    }

    private TlsIdentity fromKeystore() throws TlsProblem {
        char[] secret = password.toCharArray();
        KeyStore store;
        try {
            store = KeyStore.getInstance(certificate.toFile(), secret);
        } catch (IOException e) {
            throw TlsProblem.inCertificate(e.getCause() instanceof UnrecoverableKeyException
                    ? "is a keystore whose password is not the one given (" + PASSWORD_VARIABLE + ")"
                    : "is neither PEM nor a keystore this JVM reads (PKCS#12, JKS): " + e.getMessage());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw TlsProblem.inCertificate("is neither PEM nor a keystore this JVM reads (PKCS#12, JKS): " + e.getMessage());
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    PrivateKey privateKey = (PrivateKey) store.getKey(alias, secret);
                    Certificate[] chain = store.getCertificateChain(alias);
                    if (chain == null || chain.length == 0) {
                        throw TlsProblem.inCertificate("holds the key '" + alias + "' without its certificate");
                    }
                    return identity(privateKey, chain, false);
                }
            }
        } catch (UnrecoverableKeyException e) {
            throw TlsProblem.inCertificate("holds a key whose password is not the keystore's");
        } catch (GeneralSecurityException e) {
            throw TlsProblem.inCertificate("cannot be read: " + e.getMessage());
        }
        throw TlsProblem.inCertificate("is a keystore without a private key entry");
    }

    /** {@code keyFile}: whether the key came from a file of its own, which is then the one to blame for a mismatch. */
    private static TlsIdentity identity(PrivateKey privateKey, Certificate[] chain, boolean keyFile) throws TlsProblem {
        X509Certificate first = (X509Certificate) chain[0];
        if (!KeyPairs.match(privateKey, first.getPublicKey())) {
            throw new TlsProblem(keyFile, (keyFile ? "" : "holds a key that ") + "is not the private key of the certificate " + first.getSubjectX500Principal().getName());
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("clusterflock", privateKey, IN_MEMORY, chain);
            return new TlsIdentity(store, IN_MEMORY.clone(), first);
        } catch (GeneralSecurityException | IOException e) {
            throw TlsProblem.inCertificate("cannot be kept in a keystore: " + e.getMessage());
        }
    }

    private static byte[] read(Path file, boolean isKey) throws TlsProblem {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsProblem(isKey, "does not exist");
        } catch (AccessDeniedException e) {
            throw new TlsProblem(isKey, "cannot be read by this process's user (" + System.getProperty("user.name") + ")");
        } catch (IOException e) {
            throw new TlsProblem(isKey, "cannot be read: " + e.getMessage());
        }
    }
}
