package org.cybexp.input.source.syslog;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

/**
 * One RELP session. {@code open} is answered with our offers; each {@code syslog} frame is answered
 * {@code rsp 200 OK} only once the record holding it is on disk, in the order of the frames; {@code close}
 * after everything before it. A message that cannot be stored (the input stops) gets no answer: the session
 * is closed and the sender (rsyslog's omrelp) sends again what was not answered.
 */
final class RelpHandler extends SimpleChannelInboundHandler<RelpFrame> {

    private static final String OFFERS = "200 OK\nrelp_version=0\nrelp_software=cybexp-input\ncommands=syslog";
    private static final String CLOSE = "";

    /** An answer in the order of the frames; text null until known. */
    private static final class Pending {
        final long txnr;
        volatile String text;
        volatile boolean failed;

        Pending(long txnr) {
            this.txnr = txnr;
        }
    }

    private final MessageJson json;
    private final RecordBatcher batcher;
    private final ReadPause pause;
    private final ListenerStats stats;
    private final Clock clock;
    private final int maxMessage;
    private final Deque<Pending> pending = new ArrayDeque<>(); // event loop only
    private ChannelHandlerContext channel;
    private String sender;
    private boolean opened;

    RelpHandler(MessageJson json, RecordBatcher batcher, ReadPause pause, ListenerStats stats, Clock clock,
            int maxMessage) {
        this.json = json;
        this.batcher = batcher;
        this.pause = pause;
        this.stats = stats;
        this.clock = clock;
        this.maxMessage = maxMessage;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx;
        sender = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RelpFrame frame) {
        Pending answer = new Pending(frame.txnr());
        pending.add(answer);
        switch (frame.command()) {
            case "open" -> {
                opened = true;
                answer.text = OFFERS;
            }
            case "syslog" -> {
                if (!opened) {
                    answer.text = "500 session not opened";
                    break;
                }
                byte[] data = frame.data();
                boolean cut = data.length > maxMessage;
                if (cut) {
                    data = java.util.Arrays.copyOf(data, maxMessage);
                    stats.truncated.incrementAndGet();
                }
                int end = data.length;
                while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == 0)) {
                    end--;
                }
                if (end < data.length) {
                    data = java.util.Arrays.copyOf(data, end);
                }
                stats.received.incrementAndGet();
                batcher.add(json.line(data, sender, clock.instant(), cut), new RecordBatcher.Ack() {
                    @Override
                    public void stored() {
                        answer.text = "200 OK";
                        ctx.executor().execute(RelpHandler.this::answer);
                    }

                    @Override
                    public void failed() {
                        answer.failed = true;
                        ctx.executor().execute(RelpHandler.this::answer);
                    }
                });
            }
            case "close" -> answer.text = CLOSE;
            default -> answer.text = "500 unknown command";
        }
        answer();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        batcher.flush(); // the sender may be waiting for its answers: store what it sent now
        pause.check(ctx.channel());
        ctx.fireChannelReadComplete();
    }

    /** Writes the answers known, in order; on the event loop. */
    private void answer() {
        boolean wrote = false;
        while (!pending.isEmpty()) {
            Pending head = pending.peek();
            if (head.failed) {
                pending.clear();
                channel.close(); // no answer: the sender sends it again after reconnecting
                return;
            }
            if (head.text == null) {
                break;
            }
            pending.poll();
            byte[] data = head.text.getBytes(StandardCharsets.UTF_8);
            String header = head.txnr + " rsp " + data.length + (data.length > 0 ? " " : "");
            byte[] frame = new byte[header.length() + data.length + 1];
            System.arraycopy(header.getBytes(StandardCharsets.US_ASCII), 0, frame, 0, header.length());
            System.arraycopy(data, 0, frame, header.length(), data.length);
            frame[frame.length - 1] = '\n';
            if ("200 OK".equals(head.text)) {
                stats.relpAnswered.incrementAndGet();
            }
            if (head.text == CLOSE) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(frame)).addListener(ChannelFutureListener.CLOSE);
                pending.clear();
                return;
            }
            channel.write(Unpooled.wrappedBuffer(frame));
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a broken frame or a reset: the sender resends what was not answered
    }
}
