package org.cybexp.input.source.mispfile;

import java.io.IOException;

/** A file the input will not read: missing, a symbolic link, not a regular file, or outside the directory. */
final class RefusedFileException extends IOException {
    private static final long serialVersionUID = 1L;

    RefusedFileException(String message) {
        super(message);
    }
}
