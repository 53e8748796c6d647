package org.mask3d;

/**
 * Bad input from the user: a missing file, a wrong array shape or dtype, a corrupt image, a config typo.
 *
 * <p>The message is one line that names the file (or field) and what was expected, so the command line can
 * print it without a stack trace. Library code throws this; it never prints.
 */
public class InputException extends RuntimeException {
    public InputException(String message) { super(message); }
    public InputException(String message, Throwable cause) { super(message, cause); }
}
