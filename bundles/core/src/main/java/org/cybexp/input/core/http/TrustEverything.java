package org.cybexp.input.core.http;

import java.net.Socket;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * {@code verify_tls = false}: the user chose to accept any server certificate (a self-signed test server).
 * Extended, so that the JDK adds no checks of its own around it.
 */
final class TrustEverything extends X509ExtendedTrustManager {

    static final TrustEverything INSTANCE = new TrustEverything();

    private TrustEverything() {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // never asked: this side is the client
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // never asked: this side is the client
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // never asked: this side is the client
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        // deliberately trusting: verify_tls = false
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // deliberately trusting: verify_tls = false
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // deliberately trusting: verify_tls = false
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
