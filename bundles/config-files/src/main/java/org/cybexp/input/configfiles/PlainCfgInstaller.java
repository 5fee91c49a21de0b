package org.cybexp.input.configfiles;

import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.apache.felix.fileinstall.ArtifactListener;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs {@code etc/cybexp*.cfg} files as ConfigAdmin configurations the way FileInstall's own installer
 * does (PID split at the first {@code -}, named factory configurations {@code factoryPid~name},
 * {@code felix.fileinstall.filename}, no write-back), but without its {@code ${...}} substitution: FileInstall
 * would write a resolved {@code ${env:TOKEN}} into ConfigAdmin's store and turn {@code ${file:/p}} into "".
 * Ranked above FileInstall's installer (FileInstall asks the highest-ranked first). This bundle starts at level
 * 2, FileInstall at 3 (etc/config.properties), so FileInstall's first scan already finds this installer.
 */
@Component(service = {ArtifactInstaller.class, ArtifactListener.class}, immediate = true,
        property = Constants.SERVICE_RANKING + ":Integer=1000")
public final class PlainCfgInstaller implements ArtifactInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(PlainCfgInstaller.class);
    private static final String[] BOOKKEEPING = {CfgFile.FILENAME, Constants.SERVICE_PID,
        ConfigurationAdmin.SERVICE_FACTORYPID, ConfigurationAdmin.SERVICE_BUNDLELOCATION};

    private final ConfigurationAdmin configAdmin;
    private final Charset encoding;

    @Activate
    public PlainCfgInstaller(@Reference ConfigurationAdmin configAdmin, BundleContext context) {
        this(configAdmin, encoding(context.getProperty("felix.fileinstall.configEncoding")));
    }

    PlainCfgInstaller(ConfigurationAdmin configAdmin, Charset encoding) {
        this.configAdmin = configAdmin;
        this.encoding = encoding;
    }

    @Override
    public boolean canHandle(File artifact) {
        return CfgFile.isOurs(artifact.toPath());
    }

    @Override
    public void install(File artifact) throws IOException, InvalidSyntaxException {
        apply(CfgFile.of(artifact.toPath()));
    }

    @Override
    public void update(File artifact) throws IOException, InvalidSyntaxException {
        apply(CfgFile.of(artifact.toPath()));
    }

    @Override
    public void uninstall(File artifact) throws IOException, InvalidSyntaxException {
        CfgFile file = CfgFile.of(artifact.toPath());
        Configuration existing = existing(file);
        if (existing != null) {
            LOG.info("deleting configuration {} ({} was removed)", existing.getPid(), file.path());
            existing.delete();
        }
    }

    private void apply(CfgFile file) throws IOException, InvalidSyntaxException {
        Hashtable<String, Object> values = file.read(encoding);
        Configuration configuration = existing(file);
        if (configuration == null) {
            configuration = file.isFactory() ? configAdmin.getFactoryConfiguration(file.pid(), file.name(), "?")
                    : configAdmin.getConfiguration(file.pid(), "?");
        }
        Dictionary<String, Object> old = configuration.getProperties();
        if (old != null && withoutBookkeeping(old).equals(withoutBookkeeping(values))) {
            return;
        }
        LOG.info("{} configuration {} from {}", old == null ? "creating" : "updating", configuration.getPid(),
                file.path());
        configuration.update(values);
    }

    /** The configuration made from this file before, found as FileInstall finds it: by its file name. */
    private Configuration existing(CfgFile file) throws IOException, InvalidSyntaxException {
        String filter = "(" + CfgFile.FILENAME + "=" + escape(file.fileKey()) + ")";
        Configuration[] found = configAdmin.listConfigurations(filter);
        return found == null || found.length == 0 ? null : found[0];
    }

    private static Map<String, Object> withoutBookkeeping(Dictionary<String, ?> properties) {
        Map<String, Object> values = new HashMap<>();
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            values.put(key, properties.get(key));
        }
        for (String key : BOOKKEEPING) {
            values.remove(key);
        }
        return values;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("*", "\\*");
    }

    private static Charset encoding(String configured) {
        return configured == null || configured.isBlank() ? StandardCharsets.ISO_8859_1 : Charset.forName(configured);
    }
}
