package io.clusterflock.internal.tls;

/**
 * A certificate or key that cannot serve, in words for the operator; {@link #inKey} says which
 * file is to blame, so the refusal names the option the operator typed.
 */
public final class TlsProblem extends Exception {
    private final boolean inKey;

    TlsProblem(boolean inKey, String message) {
        super(message, null, false, false);
        this.inKey = inKey;
    }

    static TlsProblem inCertificate(String message) {
        return new TlsProblem(false, message);
    }

    static TlsProblem inKey(String message) {
        return new TlsProblem(true, message);
    }

    /** Whether the private key file is to blame, rather than the certificate (or keystore) file. */
    public boolean inKey() {
        return inKey;
    }
}
