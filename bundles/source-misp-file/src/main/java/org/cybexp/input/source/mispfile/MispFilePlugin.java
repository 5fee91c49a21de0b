package org.cybexp.input.source.mispfile;

import java.nio.file.Path;
import java.time.Duration;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.source.misp.DirectoryRule;
import org.cybexp.input.source.misp.MispEventStream;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The MISP files source: watches a directory for MISP exports (restSearch downloads, single-event files) and
 * feed directories ({@code manifest.json} + {@code <uuid>.json}), posts each event as its
 * {@code {"Event": {...}}} JSON, typetag {@code misp-api}, and moves what it finished to {@code processed/},
 * what it could not read to {@code failed/}.
 *
 * <p>Inputs are factory configurations {@code cybexp.source.misp_file}; the container's manager opens them
 * through {@link #open(InputConfig)}, so SCR ignores those configurations ({@link ConfigurationPolicy#IGNORE})
 * and the designate only publishes the metatype for the web console.
 */
@Component(service = SourcePlugin.class, configurationPid = MispFilePlugin.PID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = MispFilePlugin.Config.class, factory = true)
public final class MispFilePlugin implements SourcePlugin {

    static final String NAME = "misp_file";
    static final String PID = PID_PREFIX + NAME;
    /** The events are the same JSON as the API's, and {@code misp-api} is the name CYBEX-P's parser knows. */
    static final String TYPETAG = "misp-api";
    static final long DEFAULT_PERIOD = 60;
    static final long DEFAULT_MIN_AGE = 10;
    static final int DEFAULT_CHECKPOINT_EVERY = 500;
    /** Where a relative directory is resolved: the distribution's home, as the container's data folder is. */
    static final String HOME_PROPERTY = "cybexp.home";

    /**
     * A MISP files input's configuration, as the web console shows it. Metatype turns {@code __} in a name into
     * {@code _} (a single {@code _} would become {@code .}), hence {@code min__age} for the key {@code min_age};
     * the keys are read through this type; the common keys (name, orgid, period, ...) are the container's.
     */
    @ObjectClassDefinition(name = "CYBEX-P MISP files input",
            description = "Watches a directory for MISP exports and feed directories and posts each event")
    public @interface Config {

        @AttributeDefinition(description = "The watched directory; relative paths are resolved against the "
                + "installation folder. processed/ and failed/ are created inside it")
        String directory();

        @AttributeDefinition(description = "Seconds a file (or feed directory) must be left unchanged before it "
                + "is read, so that one still being copied is not taken for a truncated one", min = "0")
        long min__age() default DEFAULT_MIN_AGE;

        @AttributeDefinition(description = "Events between two checkpoints while a file is read: a restart "
                + "resumes after the last checkpoint", min = "1", max = "1000000")
        int checkpoint__every() default DEFAULT_CHECKPOINT_EVERY;

        @AttributeDefinition(description = "Largest event posted, in bytes; 0 = a sixteenth of the heap. A larger "
                + "event is not posted: the others are, and the file goes to failed/ with the reason", min = "0",
                max = "2147483583")
        long max__event__bytes() default 0;
    }

    /** The installation folder relative directories are resolved against; empty for the working directory. */
    private final String home;

    /** Without a framework (tests, tools): the home is the system property, if set. */
    public MispFilePlugin() {
        this(System.getProperty(HOME_PROPERTY, ""));
    }

    /** In the framework: the home is a framework property (falling back to the system property), as for the core. */
    @Activate
    public MispFilePlugin(BundleContext context) {
        this(context.getProperty(HOME_PROPERTY));
    }

    MispFilePlugin(String home) {
        this.home = home == null ? "" : home.strip();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String defaultTypetag() {
        return TYPETAG;
    }

    @Override
    public long defaultPeriodSeconds() {
        return DEFAULT_PERIOD;
    }

    @Override
    public SourceInput open(InputConfig config) throws InvalidConfigException {
        Config typed = config.as(Config.class);
        if (typed.directory().isBlank()) {
            throw new InvalidConfigException("directory", "is required");
        }
        Path directory = directory(typed.directory(), home);
        // min/max of min_age, checkpoint_every and max_event_bytes are the metatype's, enforced before open
        long maxEventBytes = typed.max__event__bytes();
        return new MispFileInput(directory, Duration.ofSeconds(typed.min__age()), typed.checkpoint__every(),
                maxEventBytes == 0 ? MispEventStream.defaultMaxEventBytes() : maxEventBytes);
    }

    static Path directory(String text, String home) throws InvalidConfigException {
        return DirectoryRule.resolve(text, home);
    }
}
