package org.cybexp.input.source.websocket;

/** What the websocket library hands the input's thread through the {@link FrameQueue}. */
sealed interface Received {

    /** The heap the item holds, roughly, in chars: what the queue's budget counts. */
    default long size() {
        return 0;
    }

    /** A whole text message (one frame, or the fragments of one) within {@code max_frame_bytes}. */
    record Text(String text) implements Received {
        @Override
        public long size() {
            return text.length();
        }
    }

    /** A message skipped at once (binary, oversized); the sample holds its first bytes only. */
    record Rejected(String reason, byte[] sample) implements Received {
    }

    /** The session closed, by the peer or because the connection broke. */
    record Closed(int code, String reason) implements Received {
    }

    /** The websocket library reported an error on the session. */
    record Failed(Throwable error) implements Received {
    }
}
