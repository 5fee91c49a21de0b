package org.cybexp.input.source.file;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The file source: tails text files (a honeypot's {@code cowrie.json}, an IDS's {@code eve.json}, a proxy log)
 * and posts their lines, a batch of lines per record, following rotation without losing or repeating a line; or,
 * in {@code whole} mode, posts each file of a drop folder once.
 *
 * <p>Inputs are factory configurations {@code cybexp.source.file}; the container's manager opens them through
 * {@link #open(InputConfig)}, so SCR ignores those configurations and the designate only publishes the metatype.
 */
@Component(service = SourcePlugin.class, configurationPid = FilePlugin.PID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = FilePlugin.Config.class, factory = true)
public final class FilePlugin implements SourcePlugin {

    static final String NAME = "file";
    static final String PID = PID_PREFIX + NAME;

    /** How the files are read. */
    public enum Mode { TAIL, WHOLE }

    /** Where a file first seen when the input starts with no state is read from. */
    public enum ReadFrom { BEGINNING, END }

    /** What a line (or an entry) is. */
    public enum Format { LINES, NDJSON, MULTILINE }

    /**
     * A file input's configuration, as the web console shows it and as the plugin reads it ({@code __} in an
     * element name is {@code _} in the key).
     */
    @ObjectClassDefinition(name = "CYBEX-P file input",
            description = "Tails text files (logs) and posts their lines; follows rotation and loses nothing")
    public @interface Config {

        @AttributeDefinition(description = "Absolute paths or globs, comma-separated; * within a folder, ** across "
                + "folders, e.g. /var/log/cowrie/cowrie.json*, /data/**/eve.json")
        String paths();

        @AttributeDefinition(description = "Globs of files to leave out, comma-separated; a glob without / is "
                + "matched against the file name, e.g. *.bak", required = false)
        String exclude() default "";

        @AttributeDefinition(description = "tail: follow appends and rotation; whole: a file unchanged for "
                + "min_age seconds is posted once, as one record (drop folders of reports)")
        Mode mode() default Mode.TAIL;

        @AttributeDefinition(description = "whole mode: seconds a file must be left unchanged before it is read",
                min = "0", max = "86400")
        long min__age() default 10;

        @AttributeDefinition(description = "Where files that are there when the input first starts are read from; "
                + "files that appear later, and rotated files, are read from their start or where they were")
        ReadFrom read__from() default ReadFrom.BEGINNING;

        @AttributeDefinition(description = "lines: each line as it is; ndjson: each line must be JSON (others are "
                + "skipped and counted as malformed); multiline: a line matching multiline_start begins an entry")
        Format format() default Format.LINES;

        @AttributeDefinition(description = "multiline: a regular expression that starts a new entry, e.g. "
                + "^\\d{4}-\\d{2}-\\d{2}", required = false)
        String multiline__start() default "";

        @AttributeDefinition(description = "multiline: seconds without a new line after which an open entry is "
                + "complete", min = "1", max = "3600")
        long multiline__timeout() default 5;

        @AttributeDefinition(description = "Lines (entries) posted together as one text file", min = "1",
                max = "100000")
        int lines__per__record() default 500;

        @AttributeDefinition(description = "Seconds after which a partial batch is posted anyway", min = "1",
                max = "86400")
        long record__seconds() default 5;

        @AttributeDefinition(description = "Longest line in bytes; longer lines are cut there and counted",
                min = "64", max = "67108864")
        int max__line__bytes() default 1_048_576;

        @AttributeDefinition(description = "Charset of the files (ASCII-compatible, e.g. UTF-8, ISO-8859-1, "
                + "windows-1252); invalid bytes become U+FFFD and are counted; records are posted as UTF-8")
        String encoding() default "UTF-8";

        @AttributeDefinition(description = "Bytes at the start of a file that identify it (its fingerprint); a "
                + "shorter file waits until it has them", min = "16", max = "65536")
        int fingerprint__bytes() default 256;

        @AttributeDefinition(description = "Milliseconds between two looks at the files", min = "10",
                max = "60000")
        long poll__ms() default 250;

        @AttributeDefinition(description = "Seconds a new file whose first bytes equal those of a file still "
                + "present waits before it is taken as a file of its own (a copy in progress of copytruncate "
                + "becomes the old file's continuation instead)", min = "0", max = "3600")
        long identity__wait() default 10;

        @AttributeDefinition(description = "Seconds the state of a file that vanished is kept (so that it is "
                + "recognised, not read again, if it comes back: a remount, a compressed copy)", min = "60",
                max = "31536000")
        long clean__after() default 604_800;

        @AttributeDefinition(description = "Files held open at most; idle ones are closed first", min = "1",
                max = "100000")
        int max__open__files() default 100;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** None: what the lines are depends on the file, so every input must name it. */
    @Override
    public String defaultTypetag() {
        return "";
    }

    /** Not used for polling: a file input streams until it is stopped. */
    @Override
    public long defaultPeriodSeconds() {
        return 60;
    }

    @Override
    public SourceInput open(InputConfig config) throws InvalidConfigException {
        return new FileInput(FileSettings.of(config));
    }
}
