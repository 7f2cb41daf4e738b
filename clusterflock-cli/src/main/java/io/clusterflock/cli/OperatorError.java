package io.clusterflock.cli;

/** Something the operator can fix; printed as one line, exit code 2. */
final class OperatorError extends RuntimeException {
    OperatorError(String message) {
        super(message);
    }
}
