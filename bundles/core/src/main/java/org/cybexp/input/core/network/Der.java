package org.cybexp.input.core.network;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough ASN.1 DER to turn the traditional OpenSSL key formats (PKCS#1 RSA, SEC1 EC) into PKCS#8, which
 * the JDK reads: definite lengths only, elements kept as whole encodings.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    /** {@code [0]} explicit, as SEC1 tags an EC key's curve. */
    static final int CONTEXT_0 = 0xA0;

    private Der() {
    }

    /** The encoding of one element with this tag and these contents. */
    static byte[] element(int tag, byte[]... contents) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] content : contents) {
            body.writeBytes(content);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        writeLength(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    /** The whole encodings of the elements inside a constructed element (a SEQUENCE, a tagged field). */
    static List<byte[]> children(byte[] element) {
        Header outer = Header.at(element, 0);
        List<byte[]> children = new ArrayList<>();
        int at = outer.contentStart;
        while (at < outer.end) {
            Header child = Header.at(element, at);
            byte[] encoding = new byte[child.end - at];
            System.arraycopy(element, at, encoding, 0, encoding.length);
            children.add(encoding);
            at = child.end;
        }
        return children;
    }

    /** The tag of an element's encoding. */
    static int tag(byte[] element) {
        Header.at(element, 0);
        return element[0] & 0xFF;
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = length > 0xFFFFFF ? 4 : length > 0xFFFF ? 3 : length > 0xFF ? 2 : 1;
        out.write(0x80 | bytes);
        for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
            out.write(length >>> shift);
        }
    }

    /** Where an element's contents start and where it ends. */
    private record Header(int contentStart, int end) {

        static Header at(byte[] data, int offset) {
            if (offset + 2 > data.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            int first = data[offset + 1] & 0xFF;
            int at = offset + 2;
            long length = first;
            if (first >= 0x80) {
                int bytes = first & 0x7F;
                if (bytes == 0 || bytes > 4 || at + bytes > data.length) {
                    throw new IllegalArgumentException("unsupported DER length");
                }
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | (data[at++] & 0xFF);
                }
            }
            if (at + length > data.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            return new Header(at, (int) (at + length));
        }
    }
}
