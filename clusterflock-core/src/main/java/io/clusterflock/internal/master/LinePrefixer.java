package io.clusterflock.internal.master;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies what a worker writes to one of its streams into the master's, a line at a time, each
 * line prefixed ({@code [worker 3] }). Lines stay whole: each goes out in one write under the
 * target's lock, so workers writing at once never interleave mid-line. A line longer than
 * {@link #MAX_LINE} is cut there; a last line without a newline gets one at the end of input.
 * Bytes are copied as they are, whatever their encoding.
 *
 * <p>It reads until the end of input, which comes when the worker (and any child of it holding
 * the stream) has exited, then closes the input: nothing is left open behind a worker. If the
 * master's own stream fails, it keeps reading and drops the lines, so the worker never blocks.
 */
final class LinePrefixer implements Runnable {
    static final int MAX_LINE = 64 * 1024;

    private final byte[] prefix;
    private final InputStream in;
    private final OutputStream out;
    private boolean outputFailed;

    LinePrefixer(byte[] prefix, InputStream in, OutputStream out) {
        this.prefix = prefix.clone();
        this.in = in;
        this.out = out;
    }

    @Override
    public void run() {
        byte[] line = new byte[prefix.length + MAX_LINE + 1];
        System.arraycopy(prefix, 0, line, 0, prefix.length);
        int length = prefix.length;
        byte[] chunk = new byte[8192];
        try (in) {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    line[length++] = chunk[i];
                    if (chunk[i] == '\n') {
                        emit(line, length);
                        length = prefix.length;
                    } else if (length == prefix.length + MAX_LINE) {
                        line[length++] = '\n';
                        emit(line, length);
                        length = prefix.length;
                    }
                }
            }
        } catch (IOException e) {
            // the pipe failed: nothing more will come
        }
        if (length > prefix.length) {
            line[length++] = '\n';
            emit(line, length);
        }
    }

    private void emit(byte[] line, int length) {
        if (outputFailed) {
            return;
        }
        try {
            synchronized (out) {
                out.write(line, 0, length);
                out.flush();
            }
        } catch (IOException e) {
            outputFailed = true; // e.g. the master's stdout is a pipe nobody reads any more
        }
    }
}
