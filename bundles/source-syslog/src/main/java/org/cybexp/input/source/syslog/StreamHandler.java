package org.cybexp.input.source.syslog;

import java.net.InetSocketAddress;
import java.time.Clock;

import org.cybexp.input.api.FetchContext;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

/** Plain TCP and TLS: each frame becomes a line of a record; nothing is answered. */
final class StreamHandler extends SimpleChannelInboundHandler<Frame> {

    private final MessageJson json;
    private final RecordBatcher batcher;
    private final ReadPause pause;
    private final ListenerStats stats;
    private final Clock clock;
    private final FetchContext fetch;
    private String sender;

    StreamHandler(MessageJson json, RecordBatcher batcher, ReadPause pause, ListenerStats stats, Clock clock,
            FetchContext fetch) {
        this.json = json;
        this.batcher = batcher;
        this.pause = pause;
        this.stats = stats;
        this.clock = clock;
        this.fetch = fetch;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        sender = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        stats.received.incrementAndGet();
        if (frame.truncated()) {
            stats.truncated.incrementAndGet();
        }
        batcher.add(json.line(frame.bytes(), sender, clock.instant(), frame.truncated()), null);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        pause.check(ctx.channel());
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a TLS handshake refused, a reset: this connection ends, the listener goes on
        if (!(cause instanceof java.io.IOException)) {
            fetch.malformed("connection from " + sender + " closed: " + cause.getClass().getSimpleName(),
                    new byte[0]);
        }
        ctx.close();
    }
}
