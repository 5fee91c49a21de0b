package org.cybexp.input.core.network;

import java.io.IOException;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.cybexp.input.api.ClientAuth;

/**
 * A TLS server on 127.0.0.1 that completes one handshake per connection, answers one byte and records what it
 * saw: the client certificate's subject, {@code none}, or the handshake's failure. The server's side is the
 * one to trust: under TLS 1.3 a client learns that its certificate was refused only when it reads.
 */
final class LoopbackTlsServer implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);

    private final SSLServerSocket server;
    private final BlockingQueue<String> outcomes = new LinkedBlockingQueue<>();

    LoopbackTlsServer(SSLContext context, ClientAuth clientAuth) throws IOException {
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getLoopbackAddress());
        switch (clientAuth) { // NONE leaves the context's default, as a listener that ignores clientAuth() does
            case NEED -> server.setNeedClientAuth(true);
            case WANT -> server.setWantClientAuth(true);
            case NONE -> { }
        }
        Thread acceptor = new Thread(this::serve, "test-tls-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** What the server saw of the next connection. */
    String nextOutcome() throws InterruptedException {
        String outcome = outcomes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (outcome == null) {
            throw new AssertionError("no TLS connection within " + WAIT);
        }
        return outcome;
    }

    /**
     * Connects with the given client context, checking the host name (127.0.0.1) when asked, and reads the
     * server's byte.
     *
     * @throws IOException if the handshake fails on the client's side or the server refused the client
     */
    void connect(SSLContext client, boolean verifyHostname) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            SSLParameters parameters = socket.getSSLParameters();
            if (verifyHostname) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            if (socket.getInputStream().read() != 'k') {
                throw new IOException("the server closed the connection");
            }
        }
    }

    private void serve() {
        while (!server.isClosed()) {
            try (SSLSocket socket = (SSLSocket) server.accept()) {
                socket.setSoTimeout((int) WAIT.toMillis());
                outcomes.add(handshake(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static String handshake(SSLSocket socket) {
        try {
            socket.startHandshake();
            String peer;
            try {
                peer = ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal()
                        .getName();
            } catch (SSLPeerUnverifiedException e) {
                peer = "none";
            }
            socket.getOutputStream().write('k');
            socket.getOutputStream().flush();
            return peer;
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
