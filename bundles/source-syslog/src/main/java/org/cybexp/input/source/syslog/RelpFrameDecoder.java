package org.cybexp.input.source.syslog;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;

/** Reads RELP frames; a frame that breaks the grammar closes the session (the sender reconnects, resends). */
final class RelpFrameDecoder extends ByteToMessageDecoder {

    private static final int MAX_HEADER = 9 + 1 + 32 + 1 + 9 + 1;
    private final int maxData;

    RelpFrameDecoder(int maxData) {
        this.maxData = maxData;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            int i = start;
            int end = in.writerIndex();
            while (i < end && (in.getByte(i) == '\n' || in.getByte(i) == '\r')) {
                i++; // tolerate stray line ends between frames
            }
            in.readerIndex(i);
            start = i;
            long txnr = 0;
            while (i < end && isDigit(in.getByte(i))) {
                txnr = txnr * 10 + (in.getByte(i++) - '0');
            }
            if (i == end) {
                check(in, start);
                return;
            }
            if (i == start || i - start > 9 || in.getByte(i) != ' ') {
                throw new CorruptedFrameException("bad RELP TXNR");
            }
            int cmdStart = ++i;
            while (i < end && in.getByte(i) != ' ' && i - cmdStart <= 32) {
                i++;
            }
            if (i == end) {
                check(in, start);
                return;
            }
            if (in.getByte(i) != ' ' || i == cmdStart) {
                throw new CorruptedFrameException("bad RELP command");
            }
            String command = in.toString(cmdStart, i - cmdStart, StandardCharsets.US_ASCII);
            int lenStart = ++i;
            long length = 0;
            while (i < end && isDigit(in.getByte(i))) {
                length = length * 10 + (in.getByte(i++) - '0');
            }
            if (i == end) {
                check(in, start);
                return;
            }
            if (i == lenStart || i - lenStart > 9 || length > maxData) {
                throw new CorruptedFrameException("bad RELP DATALEN");
            }
            byte after = in.getByte(i);
            byte[] data;
            if (length == 0) {
                if (after != '\n' && after != ' ') {
                    throw new CorruptedFrameException("bad RELP trailer");
                }
                if (after == ' ') {
                    if (i + 1 >= end) {
                        return;
                    }
                    i++;
                }
                data = new byte[0];
            } else {
                if (after != ' ') {
                    throw new CorruptedFrameException("no space before RELP data");
                }
                if (end - (i + 1) < length + 1) {
                    return;
                }
                data = new byte[(int) length];
                in.getBytes(i + 1, data);
                i = i + 1 + (int) length;
            }
            if (in.getByte(i) != '\n') {
                throw new CorruptedFrameException("bad RELP trailer");
            }
            in.readerIndex(i + 1);
            out.add(new RelpFrame(txnr, command, data));
        }
    }

    private static void check(ByteBuf in, int start) {
        if (in.writerIndex() - start > MAX_HEADER) {
            throw new CorruptedFrameException("RELP header too long");
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
