package org.cybexp.input.source.syslog;

import java.time.Clock;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * UDP: one datagram is one message (a trailing LF or NUL dropped). UDP cannot push back: while the records wait
 * for the disk or the outbox is over its cap, a datagram is dropped and counted ({@code dropped_busy}).
 */
final class DatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private final MessageJson json;
    private final RecordBatcher batcher;
    private final SenderFilter senders;
    private final ListenerStats stats;
    private final Clock clock;
    private final int max;

    DatagramHandler(MessageJson json, RecordBatcher batcher, SenderFilter senders, ListenerStats stats,
            Clock clock, int maxMessageBytes) {
        this.json = json;
        this.batcher = batcher;
        this.senders = senders;
        this.stats = stats;
        this.clock = clock;
        this.max = maxMessageBytes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        if (!senders.allows(packet.sender().getAddress())) {
            stats.refusedSenders.incrementAndGet();
            return;
        }
        stats.received.incrementAndGet();
        if (batcher.congested()) {
            stats.droppedBusy.incrementAndGet();
            return;
        }
        ByteBuf content = packet.content();
        int length = content.readableBytes();
        while (length > 0) {
            byte last = content.getByte(content.readerIndex() + length - 1);
            if (last != '\n' && last != 0 && last != '\r') {
                break;
            }
            length--;
        }
        boolean cut = length > max;
        if (cut) {
            length = max;
            stats.truncated.incrementAndGet();
        }
        byte[] bytes = new byte[length];
        content.getBytes(content.readerIndex(), bytes);
        batcher.add(json.line(bytes, packet.sender().getAddress().getHostAddress(), clock.instant(), cut), null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // one bad datagram (ICMP unreachable reported as an error) never stops the listener
    }
}
