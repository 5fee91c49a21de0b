package org.cybexp.input.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Standard error of {@code run --shell}: log records (a line that starts with a timestamp, and the stack trace
 * after it) go to the log file; everything else, Gogo's own messages, to the terminal. So log lines never land
 * in the middle of the prompt, and the shell's errors stay in sight.
 */
final class ShellLogSplitter extends OutputStream {

    private static final Pattern LOG_LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d.*");
    private static final Pattern TRACE_LINE = Pattern.compile(
            "^(\\s.*|Caused by: .*|Suppressed: .*|[\\w.$]+(Exception|Error|Throwable)(: .*)?)$");

    private final OutputStream log;
    private final OutputStream terminal;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean inRecord;

    ShellLogSplitter(OutputStream log, OutputStream terminal) {
        this.log = log;
        this.terminal = terminal;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        line.write(b);
        if (b == '\n') {
            route();
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(bytes[i]);
        }
    }

    private void route() throws IOException {
        String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
        inRecord = LOG_LINE.matcher(text).matches() || inRecord && TRACE_LINE.matcher(text).matches();
        (inRecord ? log : terminal).write(line.toByteArray());
        line.reset();
    }

    @Override
    public synchronized void flush() throws IOException {
        if (line.size() > 0 && !inRecord) {
            terminal.write(line.toByteArray()); // a prompt-like partial line belongs to the terminal
            line.reset();
        }
        log.flush();
        terminal.flush();
    }
}
