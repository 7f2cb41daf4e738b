package io.clusterflock.internal.tls;

import java.security.KeyStore;
import java.security.cert.X509Certificate;

/**
 * A TLS identity read and checked: one private key entry with its chain, in a keystore of its own
 * (whatever else the operator's keystore held is left out), for a server's key manager.
 *
 * @param keyStore    holds the one entry
 * @param password    of the store and of the entry
 * @param certificate the server's own certificate, first of the chain
 */
public record TlsIdentity(KeyStore keyStore, char[] password, X509Certificate certificate) {

    /** The certificate's subject, for logs: {@code CN=example.com}. */
    public String subject() {
        return certificate.getSubjectX500Principal().getName();
    }
}
