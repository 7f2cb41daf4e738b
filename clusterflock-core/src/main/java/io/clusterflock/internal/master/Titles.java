package io.clusterflock.internal.master;

/** What {@code ps} shows for the cluster's processes (SPEC §2). */
public final class Titles {
    private Titles() {}

    public static String master(String title) {
        return withLabel("clusterflock master", title);
    }

    public static String worker(int id, String title) {
        return withLabel("clusterflock worker " + id, title);
    }

    static String guard(String title) {
        return withLabel("clusterflock guard", title);
    }

    private static String withLabel(String name, String title) {
        return title == null || title.isBlank() ? name : name + " [" + title + "]";
    }
}
