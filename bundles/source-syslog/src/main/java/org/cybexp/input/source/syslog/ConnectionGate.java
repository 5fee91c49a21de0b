package org.cybexp.input.source.syslog;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

/**
 * First in every stream connection's pipeline: closes a connection from a sender outside
 * {@code allowed_senders}, or beyond {@code max_connections} open from the same address, before it reads a byte.
 */
@Sharable
final class ConnectionGate extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<InetAddress> ADMITTED = AttributeKey.valueOf("syslog.admitted");

    private final SenderFilter senders;
    private final int maxPerSender;
    private final ListenerStats stats;
    private final Map<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();

    ConnectionGate(SenderFilter senders, int maxPerSender, ListenerStats stats) {
        this.senders = senders;
        this.maxPerSender = maxPerSender;
        this.stats = stats;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress sender = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        if (!senders.allows(sender)) {
            stats.refusedSenders.incrementAndGet();
            ctx.close();
            return;
        }
        AtomicInteger count = open.computeIfAbsent(sender, a -> new AtomicInteger());
        if (count.incrementAndGet() > maxPerSender) {
            count.decrementAndGet();
            stats.refusedConnections.incrementAndGet();
            ctx.close();
            return;
        }
        ctx.channel().attr(ADMITTED).set(sender);
        stats.connections.incrementAndGet();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        InetAddress sender = ctx.channel().attr(ADMITTED).getAndSet(null);
        if (sender != null) {
            stats.connections.decrementAndGet();
            open.computeIfPresent(sender, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
            super.channelInactive(ctx);
        }
    }
}
