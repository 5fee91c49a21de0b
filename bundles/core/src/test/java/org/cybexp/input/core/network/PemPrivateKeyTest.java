package org.cybexp.input.core.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;

import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.core.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key formats {@code tls_key} takes, and the ones it refuses without showing a byte of the key. */
class PemPrivateKeyTest {

    @TempDir
    Path dir;

    private static PrivateKey rsa;
    private static ECPrivateKey ec;
    private static PrivateKey ed25519;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator rsaKeys = KeyPairGenerator.getInstance("RSA");
        rsaKeys.initialize(2048);
        rsa = rsaKeys.generateKeyPair().getPrivate();
        KeyPairGenerator ecKeys = KeyPairGenerator.getInstance("EC");
        ecKeys.initialize(new ECGenParameterSpec("secp384r1"));
        ec = (ECPrivateKey) ecKeys.generateKeyPair().getPrivate();
        ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
    }

    @Test
    void readsPkcs8KeysOfEachAlgorithm() throws Exception {
        for (PrivateKey key : List.of(rsa, ec, ed25519)) {
            PrivateKey read = PemPrivateKey.read(file(TestPki.pem("PRIVATE KEY", key.getEncoded())));
            assertArrayEquals(key.getEncoded(), read.getEncoded(), key.getAlgorithm());
        }
    }

    @Test
    void readsPkcs1RsaKeys() throws Exception {
        PrivateKey read = PemPrivateKey.read(file(TestPki.pem("RSA PRIVATE KEY", pkcs1(rsa))));

        assertArrayEquals(rsa.getEncoded(), read.getEncoded());
    }

    @Test
    void readsSec1EcKeysAfterTheirParameters() throws Exception {
        String parameters = TestPki.pem("EC PARAMETERS", curveOid(ec));
        PrivateKey read = PemPrivateKey.read(file(parameters + TestPki.pem("EC PRIVATE KEY", sec1(ec))));

        assertEquals(ec.getS(), ((ECPrivateKey) read).getS());
        assertEquals(ec.getParams().getCurve(), ((ECPrivateKey) read).getParams().getCurve());
    }

    @Test
    void anEncryptedPkcs8KeyIsRefusedWithoutShowingIt() throws Exception {
        String pem = TestPki.pem("ENCRYPTED PRIVATE KEY", encrypted(rsa, "key-pass-42"));

        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> PemPrivateKey.read(file(pem)));

        assertEquals("tls_key", refused.key());
        assertTrue(refused.getMessage().contains("is encrypted"), refused.getMessage());
        assertFalse(refused.getMessage().contains(pem.substring(40, 60)), refused.getMessage());
        assertFalse(refused.getMessage().contains("key-pass-42"));
    }

    @Test
    void anEncryptedTraditionalKeyIsRefused() throws Exception {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"
                + "0123456789ABCDEF0123456789ABCDEF\n\n" + Base64.getMimeEncoder().encodeToString(pkcs1(rsa))
                + "\n-----END RSA PRIVATE KEY-----\n";

        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> PemPrivateKey.read(file(pem)));

        assertTrue(refused.getMessage().startsWith("tls_key: '" + dir.resolve("key.pem") + "' is encrypted"),
                refused.getMessage());
    }

    @Test
    void aDamagedKeyIsRefusedWithoutItsBytes() throws Exception {
        byte[] damaged = rsa.getEncoded().clone();
        damaged[10] ^= 0x55;
        String body = Base64.getEncoder().encodeToString(damaged);
        for (String label : List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY")) {
            InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                    () -> PemPrivateKey.read(file(TestPki.pem(label, damaged))));
            assertTrue(refused.getMessage().startsWith("tls_key: "), refused.getMessage());
            assertFalse(refused.getMessage().contains(body.substring(30, 50)), refused.getMessage());
        }
    }

    @Test
    void aFileWithoutAKeyIsRefused() throws Exception {
        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> PemPrivateKey.read(file("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")));

        assertTrue(refused.getMessage().contains("holds no PEM private key"), refused.getMessage());
        assertThrows(InvalidConfigException.class, () -> PemPrivateKey.read(dir.resolve("missing.pem")));
    }

    private Path file(String pem) throws Exception {
        return Files.writeString(dir.resolve("key.pem"), pem);
    }

    /** PKCS#8 PrivateKeyInfo holds the PKCS#1 RSAPrivateKey as its OCTET STRING. */
    static byte[] pkcs1(PrivateKey rsaKey) {
        return contents(Der.children(rsaKey.getEncoded()).get(2));
    }

    /** The curve's OID from the PKCS#8 algorithm identifier. */
    private static byte[] curveOid(ECPrivateKey key) {
        return Der.children(Der.children(key.getEncoded()).get(1)).get(1);
    }

    /** SEC1 ECPrivateKey with its curve in [0], as OpenSSL writes it. */
    private static byte[] sec1(ECPrivateKey key) {
        List<byte[]> fields = new ArrayList<>(Der.children(contents(Der.children(key.getEncoded()).get(2))));
        fields.add(2, Der.element(Der.CONTEXT_0, curveOid(key)));
        return Der.element(Der.SEQUENCE, fields.toArray(new byte[0][]));
    }

    /** The contents of a primitive element with a short or long length. */
    private static byte[] contents(byte[] element) {
        int lengthByte = element[1] & 0xFF;
        int start = lengthByte < 0x80 ? 2 : 2 + (lengthByte & 0x7F);
        byte[] contents = new byte[element.length - start];
        System.arraycopy(element, start, contents, 0, contents.length);
        return contents;
    }

    private static byte[] encrypted(PrivateKey key, String password) throws Exception {
        String algorithm = "PBEWithSHA1AndDESede"; // one EncryptedPrivateKeyInfo can name on JDK 17
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(algorithm)
                .generateSecret(new PBEKeySpec(password.toCharArray())), new PBEParameterSpec(new byte[8], 1000));
        return new EncryptedPrivateKeyInfo(cipher.getParameters(), cipher.doFinal(key.getEncoded())).getEncoded();
    }
}
