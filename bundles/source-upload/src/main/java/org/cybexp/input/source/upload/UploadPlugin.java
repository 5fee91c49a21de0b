package org.cybexp.input.source.upload;

import java.nio.file.Path;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.core.control.DeliveryFates;
import org.cybexp.input.core.files.DataFolder;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The upload source: an authenticated endpoint and a page on the daemon's web server (Felix HTTP) where analysts
 * and scripts hand over files in the shape of CYBEX-P's {@code /raw}. A listener: the container runs each input
 * until it is stopped; the input registers its servlet with the OSGi servlet whiteboard while it runs, answers
 * 202 with a receipt once the file is in the outbox, and follows the file to the API.
 *
 * <p>Inputs are factory configurations {@code cybexp.source.upload}, opened by the container's manager through
 * {@link #open(InputConfig)}; SCR ignores them and the designate only publishes the metatype.
 */
@Component(service = SourcePlugin.class, configurationPid = UploadPlugin.PID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = UploadPlugin.Config.class, factory = true)
public final class UploadPlugin implements SourcePlugin {

    static final String NAME = "upload";
    static final String PID = PID_PREFIX + NAME;
    static final long DEFAULT_MAX_BYTES = 100L * 1024 * 1024;

    /** An upload input's configuration. {@code period} does not apply: the endpoint runs until stopped. */
    @ObjectClassDefinition(name = "CYBEX-P upload input",
            description = "An authenticated endpoint and page on the daemon's web server for files in the /raw shape")
    public @interface Config {

        @AttributeDefinition(description = "Where the endpoint and its page are served, e.g. /upload: "
                + "POST /upload/raw, GET /upload/receipts/ID, the page at /upload/")
        String path() default "/upload";

        @AttributeDefinition(description = "The uploaders: one line each, NAME SHA256-OF-KEY ORGID[,ORGID...]; "
                + "relative to the installation folder. 'cybexp-input upload-key add' writes it")
        String keys__file() default "etc/upload.keys";

        @AttributeDefinition(description = "Largest file accepted, in bytes (413 beyond)", min = "1")
        long max__bytes() default DEFAULT_MAX_BYTES;

        @AttributeDefinition(description = "Comma-separated typetag:folder pairs: a file uploaded with such a "
                + "typetag is written into that folder (for another input to read) instead of the outbox")
        String handoff__folders() default "";

        @AttributeDefinition(description = "Seconds within which the same key's same file (or the same "
                + "Idempotency-Key) gets the first receipt again instead of being posted twice", min = "0")
        long idempotency__seconds() default 86_400;
    }

    private final Path home;
    private final Path dataDir;
    private final BundleContext context;
    private final DeliveryFates fates;

    @Activate
    public UploadPlugin(BundleContext context, @Reference DeliveryFates fates) {
        this.context = context;
        this.fates = fates;
        this.dataDir = DataFolder.resolve(context::getProperty);
        String root = context.getProperty(DataFolder.HOME_PROPERTY);
        this.home = root == null || root.isBlank() ? Path.of("").toAbsolutePath() : Path.of(root.trim());
    }

    @Override
    public String name() {
        return NAME;
    }

    /** None: an upload names its typetag, as at /raw. */
    @Override
    public String defaultTypetag() {
        return "";
    }

    @Override
    public SourceInput open(InputConfig config) throws InvalidConfigException {
        UploadSettings settings = UploadSettings.of(config, home);
        return new UploadInput(settings, new ServletWhiteboard(context), fates,
                dataDir.resolve("upload").resolve(UploadSettings.folderName(config.name())));
    }
}
