package io.clusterflock.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsFilesTest {
    @TempDir
    Path dir;
    private final Path rsaStore = TestIdentities.file("rsa.p12");
    private final List<Path> rsa = pair("rsa");
    private final List<Path> ec = pair("ec");
    private final List<Path> otherRsa = pair("other");

    private static List<Path> pair(String name) {
        return List.of(TestIdentities.file(name + "-cert.pem"), TestIdentities.file(name + "-key.pem"));
    }

    @Test
    void aPemPairIsReadIntoAKeystoreOfOneEntry() throws Exception {
        for (List<Path> pair : List.of(rsa, ec)) {
            TlsFiles files = new TlsFiles(pair.get(0), Optional.of(pair.get(1)), "");
            assertTrue(files.isPem());
            TlsIdentity identity = files.read();
            assertEquals(1, identity.keyStore().size());
            assertTrue(identity.keyStore().isKeyEntry("clusterflock"));
        }
        assertEquals("CN=rsa.example", new TlsFiles(rsa.get(0), Optional.of(rsa.get(1)), "").read().subject());
    }

    @Test
    void aKeystoreWithItsPasswordIsRead() throws Exception {
        TlsFiles files = new TlsFiles(rsaStore, Optional.empty(), TestIdentities.KEYSTORE_PASSWORD);
        assertFalse(files.isPem());
        assertEquals("CN=rsa.example", files.read().subject());
    }

    @Test
    void theKeyOfAnotherCertificateIsBlamedOnTheKey() {
        TlsProblem sameKind = assertThrows(TlsProblem.class,
                () -> new TlsFiles(rsa.get(0), Optional.of(otherRsa.get(1)), "").read());
        assertTrue(sameKind.inKey());
        assertEquals("is not the private key of the certificate CN=rsa.example", sameKind.getMessage());
        TlsProblem otherKind = assertThrows(TlsProblem.class, () -> new TlsFiles(rsa.get(0), Optional.of(ec.get(1)), "").read());
        assertTrue(otherKind.inKey());
        assertEquals("is not an RSA private key, the kind of the certificate's key", otherKind.getMessage());
    }

    @Test
    void missingFilesAndWrongContentsAreNamed() throws Exception {
        TlsProblem missing = assertThrows(TlsProblem.class,
                () -> new TlsFiles(dir.resolve("nope.pem"), Optional.of(rsa.get(1)), "").read());
        assertFalse(missing.inKey());
        assertEquals("does not exist", missing.getMessage());
        TlsProblem missingKey = assertThrows(TlsProblem.class,
                () -> new TlsFiles(rsa.get(0), Optional.of(dir.resolve("nope-key.pem")), "").read());
        assertTrue(missingKey.inKey());

        Path keyAsCert = rsa.get(1);
        assertEquals("holds no '-----BEGIN CERTIFICATE-----' block", assertThrows(TlsProblem.class,
                () -> new TlsFiles(keyAsCert, Optional.of(rsa.get(1)), "").read()).getMessage());
        assertEquals("holds no '-----BEGIN PRIVATE KEY-----' block", assertThrows(TlsProblem.class,
                () -> new TlsFiles(rsa.get(0), Optional.of(rsa.get(0)), "").read()).getMessage());

        Path pkcs1 = Files.writeString(dir.resolve("pkcs1.pem"), TestIdentities.block("RSA PRIVATE KEY", new byte[] {1, 2, 3}));
        assertTrue(assertThrows(TlsProblem.class, () -> new TlsFiles(rsa.get(0), Optional.of(pkcs1), "").read())
                .getMessage().contains("openssl pkcs8 -topk8 -nocrypt"));
        assertTrue(assertThrows(TlsProblem.class, () -> new TlsFiles(rsaStore, Optional.empty(), "wrong").read())
                .getMessage().contains("password"));
        Path garbage = Files.write(dir.resolve("garbage.bin"), new byte[] {0, 1, 2, 3, 4});
        assertTrue(assertThrows(TlsProblem.class, () -> new TlsFiles(garbage, Optional.empty(), "").read())
                .getMessage().startsWith("is neither PEM nor a keystore"));
    }

    @Test
    void workersGetAbsoluteNamesAndThePasswordOnlyWhenThereIsOne() {
        TlsFiles pem = new TlsFiles(Path.of("cert.pem"), Optional.of(Path.of("key.pem")), "");
        Map<String, String> env = pem.environment();
        assertEquals(Path.of("cert.pem").toAbsolutePath().toString(), env.get(TlsFiles.CERTIFICATE_VARIABLE));
        assertFalse(env.containsKey(TlsFiles.PASSWORD_VARIABLE));
        assertEquals(Optional.of(pem), TlsFiles.fromEnvironment(env));
        TlsFiles store = new TlsFiles(Path.of("/etc/app.p12"), Optional.empty(), "pw");
        assertEquals(Optional.of(store), TlsFiles.fromEnvironment(store.environment()));
        assertEquals(Optional.empty(), TlsFiles.fromEnvironment(Map.of()));
    }
}
