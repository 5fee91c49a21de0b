package org.cybexp.input.core.network;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyManagementException;
import java.security.SecureRandom;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

import org.cybexp.input.api.ClientAuth;

/**
 * A server context whose server sockets, engines and default parameters already ask for client certificates
 * as {@code tls_client_auth} says, so that {@code need} holds even in a listener that forgets to apply
 * {@code Network.clientAuth()}. A listener that sets it itself changes nothing.
 */
final class ClientAuthContext extends SSLContextSpi {

    private final SSLContext context;
    private final ClientAuth clientAuth;

    private ClientAuthContext(SSLContext context, ClientAuth clientAuth) {
        this.context = context;
        this.clientAuth = clientAuth;
    }

    /** The context itself when no client certificate is asked for, else one that asks. */
    static SSLContext of(SSLContext context, ClientAuth clientAuth) {
        if (clientAuth == ClientAuth.NONE) {
            return context;
        }
        return new SSLContext(new ClientAuthContext(context, clientAuth), context.getProvider(),
                context.getProtocol()) { };
    }

    /** Only one of the two may be set: setting want to false clears need, and the reverse. */
    private void ask(SSLParameters parameters) {
        if (clientAuth == ClientAuth.NEED) {
            parameters.setNeedClientAuth(true);
        } else {
            parameters.setWantClientAuth(true);
        }
    }

    private ServerSocket ask(ServerSocket socket) {
        SSLServerSocket tls = (SSLServerSocket) socket;
        if (clientAuth == ClientAuth.NEED) {
            tls.setNeedClientAuth(true);
        } else {
            tls.setWantClientAuth(true);
        }
        return socket;
    }

    private SSLEngine ask(SSLEngine engine) {
        if (clientAuth == ClientAuth.NEED) {
            engine.setNeedClientAuth(true);
        } else {
            engine.setWantClientAuth(true);
        }
        return engine;
    }

    @Override
    protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random)
            throws KeyManagementException {
        throw new KeyManagementException("the input's server context is initialized already");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        return context.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        return new Sockets(context.getServerSocketFactory());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        return ask(context.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        return ask(context.createSSLEngine(host, port));
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        return context.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        return context.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        SSLParameters parameters = context.getDefaultSSLParameters();
        ask(parameters);
        return parameters;
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return context.getSupportedSSLParameters();
    }

    /** Server sockets that ask for client certificates. */
    private final class Sockets extends SSLServerSocketFactory {
        private final SSLServerSocketFactory factory;

        Sockets(SSLServerSocketFactory factory) {
            this.factory = factory;
        }

        @Override
        public ServerSocket createServerSocket() throws IOException {
            return ask(factory.createServerSocket());
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return ask(factory.createServerSocket(port));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            return ask(factory.createServerSocket(port, backlog));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
            return ask(factory.createServerSocket(port, backlog, address));
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return factory.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return factory.getSupportedCipherSuites();
        }
    }
}
