package org.cybexp.input.source.syslog;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * TCP syslog framing, decided for every frame (RFC 6587): octet counting ({@code 123 <PRI>...}) when the frame
 * starts with a count, a space and {@code <}; otherwise a frame ends at LF or NUL (a CR before the LF is
 * dropped). A bad count ({@code 12x}, ten digits, no {@code <} after it) is not a count: the frame is read up to
 * its terminator instead. Messages longer than {@code max_message_bytes} are cut there and the rest of the frame
 * is skipped; what is left when the sender closes is the last message.
 */
final class SyslogFrameDecoder extends ByteToMessageDecoder {

    private final int max;
    private long discard;              // bytes of a cut octet-counted frame still to skip
    private boolean discardToTerminator; // the rest of a cut LF/NUL frame is skipped

    SyslogFrameDecoder(int maxMessageBytes) {
        this.max = maxMessageBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (discard > 0) {
                int skip = (int) Math.min(discard, in.readableBytes());
                in.skipBytes(skip);
                discard -= skip;
                continue;
            }
            if (discardToTerminator) {
                int end = terminator(in, in.readerIndex(), in.writerIndex());
                if (end < 0) {
                    in.skipBytes(in.readableBytes());
                    return;
                }
                in.readerIndex(end + 1);
                discardToTerminator = false;
                continue;
            }
            int start = in.readerIndex();
            byte first = in.getByte(start);
            if (first == '\n' || first == 0 || first == '\r') {
                in.skipBytes(1); // empty frame between messages
                continue;
            }
            if (isDigit(first)) {
                int i = start;
                long count = 0;
                while (i < in.writerIndex() && i - start < 10 && isDigit(in.getByte(i))) {
                    count = count * 10 + (in.getByte(i) - '0');
                    i++;
                }
                if (i + 1 >= in.writerIndex() && i - start < 10) {
                    return; // the count, its space and the '<' are not all here yet
                }
                if (i - start <= 9 && in.getByte(i) == ' ' && count > 0 && in.getByte(i + 1) == '<') {
                    int header = i + 1 - start;
                    if (count <= max) {
                        if (in.readableBytes() < header + count) {
                            return;
                        }
                        in.skipBytes(header);
                        out.add(new Frame(read(in, (int) count), false));
                    } else {
                        if (in.readableBytes() < header + max) {
                            return;
                        }
                        in.skipBytes(header);
                        out.add(new Frame(read(in, max), true));
                        discard = count - max;
                    }
                    continue;
                }
            }
            int limit = (int) Math.min(in.writerIndex(), (long) start + max + 1);
            int end = terminator(in, start, limit);
            if (end < 0) {
                if (in.readableBytes() > max) {
                    out.add(new Frame(read(in, max), true));
                    discardToTerminator = true;
                    continue;
                }
                return;
            }
            int length = end - start;
            if (length > 0 && in.getByte(end - 1) == '\r') {
                length--;
            }
            byte[] frame = read(in, length);
            in.readerIndex(end + 1);
            out.add(new Frame(frame, false));
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        if (in.isReadable() && discard == 0 && !discardToTerminator) {
            int length = Math.min(in.readableBytes(), max);
            out.add(new Frame(read(in, length), in.readableBytes() > 0));
            in.skipBytes(in.readableBytes());
        }
    }

    private static byte[] read(ByteBuf in, int length) {
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return bytes;
    }

    private static int terminator(ByteBuf in, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = in.getByte(i);
            if (b == '\n' || b == 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
