package io.clusterflock.internal.tls;

import java.util.Map;

/** Whether library-mode workers speak HTTP/2 beside HTTP/1.1, as the master tells them. */
public final class Http2Setting {
    /** "0" when library-mode workers speak HTTP/1.1 only; any other value or none: HTTP/2 too. */
    public static final String VARIABLE = "CLUSTERFLOCK_HTTP2";

    private Http2Setting() {}

    public static String encode(boolean on) {
        return on ? "1" : "0";
    }

    public static boolean on(Map<String, String> env) {
        return !"0".equals(env.get(VARIABLE));
    }
}
