package org.cybexp.input.source.syslog;

/** One message's bytes as framed on a stream, and whether they were cut at {@code max_message_bytes}. */
record Frame(byte[] bytes, boolean truncated) {
}
