package io.clusterflock.internal.tls;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The blocks of a PEM file (RFC 7468): {@code -----BEGIN TYPE-----}, base64, {@code -----END TYPE-----}.
 * Text around the blocks is ignored, as OpenSSL does (a certificate file often carries its
 * subject and issuer in front).
 */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    /** One block: its type ({@code CERTIFICATE}, {@code PRIVATE KEY}) and its decoded bytes. */
    record Block(String type, byte[] der) { }

    private Pem() {}

    /** Whether {@code text} looks like PEM at all (else it may be a binary keystore). */
    static boolean looksLike(byte[] content) {
        String head = new String(content, 0, Math.min(content.length, 4096), java.nio.charset.StandardCharsets.ISO_8859_1);
        return head.contains("-----BEGIN ");
    }

    /** @throws IllegalArgumentException when a block's base64 is damaged */
    static List<Block> blocks(String text) {
        List<Block> blocks = new ArrayList<>();
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            blocks.add(new Block(block.group(1), Base64.getMimeDecoder().decode(block.group(2))));
        }
        return blocks;
    }
}
