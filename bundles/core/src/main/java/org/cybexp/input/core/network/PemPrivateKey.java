package org.cybexp.input.core.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cybexp.input.api.InvalidConfigException;

/**
 * The unencrypted private key of a PEM file ({@code tls_key}): PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC,
 * Ed25519), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}), as OpenSSL, certbot
 * and most CAs write them. An encrypted key is refused: the container has no one to ask for its passphrase.
 * Messages name the key and file, never a byte of the key.
 */
final class PemPrivateKey {

    static final String KEY = "tls_key";

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    /** The RFC 1421 header of a traditional OpenSSL key encrypted with a passphrase. */
    private static final Pattern ENCRYPTED_HEADER = Pattern.compile("Proc-Type:\\s*4,\\s*ENCRYPTED");
    /** The PKCS#8 algorithms tried in turn: the file does not say which one it holds in a way the JDK takes. */
    private static final List<String> ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA");
    /** AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with its NULL parameters. */
    private static final byte[] RSA_ALGORITHM = Der.element(Der.SEQUENCE,
            Der.element(Der.OID, new byte[] {0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 1, 1, 1}),
            Der.element(Der.NULL));
    /** OID id-ecPublicKey (1.2.840.10045.2.1). */
    private static final byte[] EC_PUBLIC_KEY = Der.element(Der.OID,
            new byte[] {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 2, 1});
    private static final byte[] VERSION_0 = Der.element(Der.INTEGER, new byte[] {0});

    private PemPrivateKey() {
    }

    /** @throws InvalidConfigException naming {@code tls_key} if the file holds no usable unencrypted key */
    static PrivateKey read(Path file) throws InvalidConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new InvalidConfigException(KEY, "'" + file + "' is not a readable PEM file");
        }
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            String label = block.group(1);
            if (label.endsWith("PRIVATE KEY")) {
                return decode(file, label, block.group(2));
            }
        }
        throw new InvalidConfigException(KEY, "'" + file + "' holds no PEM private key (BEGIN PRIVATE KEY, BEGIN RSA"
                + " PRIVATE KEY or BEGIN EC PRIVATE KEY)");
    }

    private static PrivateKey decode(Path file, String label, String body) throws InvalidConfigException {
        if (label.equals("ENCRYPTED PRIVATE KEY") || ENCRYPTED_HEADER.matcher(body).find()) {
            throw new InvalidConfigException(KEY, "'" + file + "' is encrypted, and the container cannot ask for its"
                    + " passphrase: decrypt it (openssl pkey -in key.pem -out plain.pem, readable by the container"
                    + " only) or give tls_keystore with tls_keystore_password");
        }
        byte[] der = base64(file, body);
        try {
            return switch (label) {
                case "PRIVATE KEY" -> pkcs8(file, der);
                case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(
                        new PKCS8EncodedKeySpec(Der.element(Der.SEQUENCE, VERSION_0, RSA_ALGORITHM,
                                Der.element(Der.OCTET_STRING, der))));
                case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(
                        new PKCS8EncodedKeySpec(Der.element(Der.SEQUENCE, VERSION_0,
                                Der.element(Der.SEQUENCE, EC_PUBLIC_KEY, curve(file, der)),
                                Der.element(Der.OCTET_STRING, der))));
                default -> throw new InvalidConfigException(KEY, "'" + file + "' holds a " + label + ", which is not"
                        + " supported: convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
            };
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // no cause and no detail: a key parser's message may quote the key's bytes
            throw new InvalidConfigException(KEY, "'" + file + "' holds a " + label + " that cannot be read");
        }
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws InvalidConfigException {
        for (String algorithm : ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this algorithm: try the next
            }
        }
        throw new InvalidConfigException(KEY, "'" + file + "' holds a PRIVATE KEY of an algorithm this JVM cannot"
                + " read (RSA, EC and Ed25519 are)");
    }

    /** SEC1 names the curve in its {@code [0]} field; PKCS#8 wants it in the algorithm identifier. */
    private static byte[] curve(Path file, byte[] sec1) throws InvalidConfigException {
        for (byte[] field : Der.children(sec1)) {
            if (Der.tag(field) == Der.CONTEXT_0) {
                List<byte[]> inside = Der.children(field);
                if (!inside.isEmpty() && Der.tag(inside.get(0)) == Der.OID) {
                    return inside.get(0);
                }
            }
        }
        throw new InvalidConfigException(KEY, "'" + file + "' holds an EC PRIVATE KEY that does not name its curve:"
                + " convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
    }

    private static byte[] base64(Path file, String body) throws InvalidConfigException {
        StringBuilder data = new StringBuilder();
        for (String line : body.split("\\R")) {
            if (!line.contains(":")) { // skip RFC 1421 headers such as Proc-Type
                data.append(line.strip());
            }
        }
        try {
            return Base64.getMimeDecoder().decode(data.toString());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(KEY, "'" + file + "' is not valid PEM (bad base64)");
        }
    }
}
