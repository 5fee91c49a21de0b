package org.cybexp.input.core.fetch;

/** The first bytes of a record, escaped so that a log line shows them safely. */
final class SampleText {

    static final int MAX_BYTES = 64;

    private SampleText() {
    }

    static String of(byte[] sample) {
        if (sample == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        int length = Math.min(sample.length, MAX_BYTES);
        for (int i = 0; i < length; i++) {
            int b = sample[i] & 0xff;
            if (b == '\\') {
                out.append("\\\\");
            } else if (b >= 0x20 && b < 0x7f) {
                out.append((char) b);
            } else {
                out.append(String.format("\\x%02x", b));
            }
        }
        return sample.length > MAX_BYTES ? out.append("...").toString() : out.toString();
    }
}
