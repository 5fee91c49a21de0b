package org.cybexp.input.source.syslog;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import org.cybexp.input.api.ClientAuth;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.Network;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.source.syslog.SyslogPlugin.Protocol;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * One syslog input: {@link #fetch} binds its port on Netty event loops of its own, runs until a stop is
 * requested and returns with the port released. On a stop it reads no more, stores what it read, answers
 * RELP senders for it, then closes the connections.
 */
final class SyslogInput implements SourceInput {

    private static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration DRAIN = Duration.ofSeconds(10);
    /** Asked of the kernel for UDP bursts; it grants at most net.core.rmem_max. */
    private static final int UDP_RECEIVE_BUFFER = 8 * 1024 * 1024;

    private final SyslogPlugin.Config config;
    private final Protocol protocol;
    private final SenderFilter senders;

    SyslogInput(SyslogPlugin.Config config, Protocol protocol, SenderFilter senders) {
        this.config = config;
        this.protocol = protocol;
        this.senders = senders;
    }

    @Override
    public Mode mode() {
        return Mode.STREAMING;
    }

    @Override
    public void fetch(FetchContext ctx) throws Exception {
        String name = protocol.name().toLowerCase(Locale.ROOT);
        ListenerStats stats = new ListenerStats();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(named(ctx, "timer"));
        ReadPause pause = new ReadPause();
        RecordBatcher batcher = new RecordBatcher(ctx, config.messages__per__record(),
                Duration.ofSeconds(config.record__seconds()), timer, pause::resume, stats);
        pause.batcher(batcher);
        MessageJson json = new MessageJson(new SyslogParser(ctx.config().timezone(), ctx.clock()), name);
        int workers = protocol == Protocol.UDP ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(workers, named(ctx, "io"), NioIoHandler.newFactory());
        ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        Channel listener = null;
        try {
            listener = bind(ctx, group, children, json, batcher, pause, stats);
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            Channel bound = listener;
            ctx.closeOnStop(() -> bound.close());
            String where = name + " " + config.host() + ":" + port + (tls(ctx) ? " (TLS)" : "");
            ctx.progress("listening on " + where);
            while (!ctx.awaitStop(TICK) && listener.isActive()) {
                publish(ctx, stats, name, port);
                ctx.progress("listening on " + where + ", " + stats.line());
            }
            if (!listener.isActive() && !ctx.stopRequested()) {
                throw new SourceException("the " + name + " listener on " + where + " closed");
            }
            listener.close().awaitUninterruptibly();
            for (Channel child : children) {
                child.config().setAutoRead(false); // read no more; what was read is stored and answered
            }
            batcher.flush();
            long deadline = System.nanoTime() + DRAIN.toNanos();
            while (!batcher.idle() && !ctx.stopNow() && System.nanoTime() < deadline) {
                ctx.awaitStop(Duration.ofMillis(20)); // returns at once once stopping: a short poll
                Thread.onSpinWait();
            }
            publish(ctx, stats, name, port);
            ctx.progress("stopped, " + stats.line());
        } finally {
            if (listener != null) {
                listener.close();
            }
            children.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            timer.shutdownNow();
        }
    }

    private void publish(FetchContext ctx, ListenerStats stats, String name, int port) {
        if (protocol == Protocol.UDP) {
            stats.kernelDrops = KernelUdpDrops.of(port);
        }
        ctx.statusDetail(name, stats.snapshot(config.host(), port, protocol == Protocol.UDP,
                protocol == Protocol.RELP));
    }

    private boolean tls(FetchContext ctx) {
        return protocol == Protocol.TLS || (protocol == Protocol.RELP && ctx.network().hasServerTls());
    }

    private Channel bind(FetchContext ctx, EventLoopGroup group, ChannelGroup children, MessageJson json,
            RecordBatcher batcher, ReadPause pause, ListenerStats stats) throws Exception {
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        try {
            if (protocol == Protocol.UDP) {
                return new Bootstrap().group(group).channel(NioDatagramChannel.class)
                        .option(ChannelOption.SO_RCVBUF, UDP_RECEIVE_BUFFER)
                        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65536))
                        .handler(new DatagramHandler(json, batcher, senders, stats, ctx.clock(),
                                config.max__message__bytes()))
                        .bind(address).sync().channel();
            }
            Network network = ctx.network();
            SSLContext tls = tls(ctx) ? network.serverTls() : null; // a bad certificate fails the bind, not a peer
            ClientAuth clientAuth = network.clientAuth();
            ConnectionGate gate = new ConnectionGate(senders, config.max__connections(), stats);
            return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) throws Exception {
                            children.add(ch);
                            ChannelPipeline p = ch.pipeline();
                            p.addLast(gate);
                            if (tls != null) {
                                p.addLast(new SslHandler(engine(tls, clientAuth)));
                            }
                            if (protocol == Protocol.RELP) {
                                p.addLast(new RelpFrameDecoder(config.max__message__bytes() + 65536));
                                p.addLast(new RelpHandler(json, batcher, pause, stats, ctx.clock(),
                                        config.max__message__bytes()));
                            } else {
                                p.addLast(new SyslogFrameDecoder(config.max__message__bytes()));
                                p.addLast(new StreamHandler(json, batcher, pause, stats, ctx.clock(), ctx));
                            }
                        }
                    })
                    .bind(address).sync().channel();
        } catch (SourceException e) {
            throw e;
        } catch (Exception e) {
            throw new SourceException("cannot listen on " + protocol.name().toLowerCase(Locale.ROOT) + " "
                    + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    private static SSLEngine engine(SSLContext tls, ClientAuth clientAuth) {
        SSLEngine engine = tls.createSSLEngine();
        engine.setUseClientMode(false);
        if (clientAuth == ClientAuth.NEED) { // each of the two calls resets the other
            engine.setNeedClientAuth(true);
        } else if (clientAuth == ClientAuth.WANT) {
            engine.setWantClientAuth(true);
        }
        return engine;
    }

    private static ThreadFactory named(FetchContext ctx, String what) {
        AtomicInteger count = new AtomicInteger();
        String input = ctx.config().name();
        return task -> {
            Thread thread = new Thread(task, "syslog-" + input + "-" + what + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String toString() {
        return "SyslogInput[" + protocol + " " + config.host() + ":" + config.port() + "]";
    }
}
