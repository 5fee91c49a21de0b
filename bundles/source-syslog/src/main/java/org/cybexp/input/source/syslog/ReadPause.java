package org.cybexp.input.source.syslog;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.Channel;

/**
 * TCP back-pressure: a connection that finds the {@link RecordBatcher} congested stops reading (autoRead off:
 * the kernel's window fills and the sender waits) until records are stored again.
 */
final class ReadPause {

    private final Set<Channel> paused = ConcurrentHashMap.newKeySet();
    private volatile RecordBatcher batcher;

    void batcher(RecordBatcher value) {
        this.batcher = value;
    }

    /** Stops the channel reading when the batcher is congested. */
    void check(Channel channel) {
        RecordBatcher b = batcher;
        if (b != null && b.congested() && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
            paused.add(channel);
            if (!b.congested()) {
                resume(); // relieved in between
            }
        }
    }

    /** Lets the paused channels read again when the batcher is no longer congested. */
    void resume() {
        RecordBatcher b = batcher;
        if (paused.isEmpty() || b == null || b.congested()) {
            return;
        }
        for (Channel channel : paused) {
            paused.remove(channel);
            channel.config().setAutoRead(true);
        }
    }

    int size() {
        return paused.size();
    }
}
