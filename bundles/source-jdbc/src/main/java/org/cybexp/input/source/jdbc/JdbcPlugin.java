package org.cybexp.input.source.jdbc;

import static org.cybexp.input.api.SourcePlugin.PID_PREFIX;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jdbc.DataSourceFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The database source: polls a table or a query in keyset order on {@code (tracking_column, id_column)} and
 * posts each new row as a JSON object (or {@code rows_per_record} rows as NDJSON). The cursor is the last row
 * stored; rows of the last {@code lookback_seconds} are read again and deduplicated, so a transaction that
 * commits after a poll is not lost. Only rows that recent carry a dedup key (see {@link ReadPlan#poll}).
 *
 * <p>Drivers are other bundles: those that register an {@code osgi.jdbc} {@link DataSourceFactory} (PostgreSQL,
 * H2) are used through it; others (SQLite) are found by their {@code META-INF/services/java.sql.Driver}.
 */
@Component(service = SourcePlugin.class, configurationPid = JdbcPlugin.PID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = JdbcPlugin.Config.class, factory = true)
public final class JdbcPlugin implements SourcePlugin {

    static final String NAME = "jdbc";
    static final String PID = PID_PREFIX + NAME;
    /** A table or column name as SQL writes it: plain (folded by the database) or double-quoted. */
    /**
     * Added (with one period) to the key window behind {@code now - settle - lookback}: clock skew between the
     * database and the daemon, clock steps and a daylight-saving change of a timestamp without time zone.
     */
    static final Duration KEY_MARGIN = Duration.ofHours(1);
    private static final String IDENTIFIER = "(?:[A-Za-z_][A-Za-z0-9_$]*|\"[^\"]+\")";
    private static final Pattern COLUMN = Pattern.compile(IDENTIFIER);
    private static final Pattern TABLE = Pattern.compile(IDENTIFIER + "(?:\\." + IDENTIFIER + "){0,2}");

    /** A database input's own keys. */
    @ObjectClassDefinition(name = "CYBEX-P database (JDBC) input",
            description = "Polls a table or query incrementally and posts each new row as JSON")
    public @interface Config {

        @AttributeDefinition(description = "JDBC URL, e.g. jdbc:postgresql://db.example:5432/tickets, "
                + "jdbc:sqlite:/var/lib/sensor/events.db, jdbc:h2:/path/db")
        String url();

        @AttributeDefinition(required = false) String user() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD, required = false,
                description = "May be ${env:NAME} or ${file:/path}")
        String password() default "";

        @AttributeDefinition(required = false, description = "Table to read (every column), e.g. public.indicators; "
                + "or give query")
        String table() default "";

        @AttributeDefinition(required = false, description = "A SELECT (or WITH) instead of table; the plugin adds "
                + "the cursor condition and the ORDER BY around it, so it has neither placeholders nor ORDER BY")
        String query() default "";

        @AttributeDefinition(description = "Column that only grows: an increasing id, or a timestamp set on insert "
                + "and update")
        String tracking__column();

        @AttributeDefinition(required = false, description = "Unique column that orders rows of the same tracking "
                + "value; required unless tracking_unique = true")
        String id__column() default "";

        @AttributeDefinition(description = "true: the tracking column is unique (an id), no id_column needed. With a "
                + "timestamp this accepts that rows sharing one timestamp across two polls can be missed")
        boolean tracking__unique() default false;

        @AttributeDefinition(description = "Timestamp tracking: rows newer than now minus this are left for the "
                + "next poll", min = "0", max = "86400")
        long settle__seconds() default 0;

        @AttributeDefinition(description = "Timestamp tracking: rows up to this far behind the cursor are read "
                + "again each poll (deduplicated), for transactions that commit late; never rows older than "
                + "now - settle - lookback - 1 h - period", min = "0", max = "604800")
        long lookback__seconds() default 300;

        @AttributeDefinition(description = "Rows fetched per round trip; also how often the cursor is committed",
                min = "1", max = "100000")
        int fetch__size() default 1000;

        @AttributeDefinition(description = "1: each row is one JSON record; N: NDJSON records of up to N rows",
                min = "1", max = "100000")
        int rows__per__record() default 1;
    }

    private final List<DataSourceFactory> factories = new CopyOnWriteArrayList<>();
    private volatile BundleContext context;

    @Activate
    void activate(BundleContext bundleContext) {
        this.context = bundleContext;
    }

    @Reference(service = DataSourceFactory.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addFactory(DataSourceFactory factory) {
        factories.add(factory);
    }

    void removeFactory(DataSourceFactory factory) {
        factories.remove(factory);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String defaultTypetag() {
        return "";
    }

    @Override
    public long defaultPeriodSeconds() {
        return 60;
    }

    @Override
    public SourceInput open(InputConfig config) throws InvalidConfigException {
        Config typed = config.as(Config.class);
        String url = typed.url().strip();
        if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:")) {
            throw new InvalidConfigException("url", "must be a JDBC URL (jdbc:postgresql://..., jdbc:sqlite:..., "
                    + "jdbc:h2:...), got " + InputConfig.quote(ConnectionSecrets.maskUrl(url)));
        }
        url = insideHome(url);
        ReadPlan plan = ReadPlan.of(source(typed), column("tracking_column", typed.tracking__column()),
                idColumn(typed), typed.settle__seconds(), typed.lookback__seconds(),
                KEY_MARGIN.plus(config.period()), config.timezone());
        ConnectionSecrets secrets = new ConnectionSecrets(url, typed.user(), config.getSecret("password"));
        DriverFinder drivers = new DriverFinder(factories, context);
        return new JdbcInput(drivers, secrets, plan, typed.fetch__size(), typed.rows__per__record());
    }

    /**
     * A relative SQLite file ({@code jdbc:sqlite:data/sensor.db}) is inside the installation folder, not in
     * whatever folder the daemon was started from.
     */
    static String insideHome(String url) {
        String prefix = "jdbc:sqlite:";
        String home = System.getProperty("cybexp.home", "");
        if (home.isEmpty() || !url.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return url;
        }
        String path = url.substring(prefix.length());
        if (path.isEmpty() || path.startsWith("/") || path.startsWith(":") || path.startsWith("file:")) {
            return url; // absolute, :memory: or a file: URI
        }
        return prefix + Path.of(home).resolve(path);
    }

    /**
     * The file of a plain SQLite URL ({@code jdbc:sqlite:/path/x.db}) when it does not exist: the driver would
     * create an empty database there and the input would read nothing, without a word, for ever.
     */
    static Optional<Path> missingSqliteFile(String url) {
        String prefix = "jdbc:sqlite:";
        if (!url.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return Optional.empty();
        }
        String path = url.substring(prefix.length());
        int query = path.indexOf('?');
        path = query < 0 ? path : path.substring(0, query);
        if (path.isEmpty() || path.startsWith(":") || path.startsWith("file:")) {
            return Optional.empty(); // :memory:, :resource: or a file: URI with its own mode
        }
        Path file = Path.of(path);
        return Files.exists(file) ? Optional.empty() : Optional.of(file);
    }

    private static ReadPlan.Source source(Config typed) throws InvalidConfigException {
        String table = typed.table().strip();
        String query = typed.query().strip();
        if (table.isEmpty() == query.isEmpty()) {
            throw new InvalidConfigException(table.isEmpty() ? "table" : "query", "give either table or query");
        }
        if (!table.isEmpty()) {
            if (!TABLE.matcher(table).matches()) {
                throw new InvalidConfigException("table", "must be a table name such as indicators, "
                        + "public.indicators or \"Indicators\", got " + InputConfig.quote(table));
            }
            return ReadPlan.Source.table(table);
        }
        while (query.endsWith(";")) {
            query = query.substring(0, query.length() - 1).strip();
        }
        String head = query.toLowerCase(Locale.ROOT);
        if (!head.startsWith("select") && !head.startsWith("with")) {
            throw new InvalidConfigException("query", "must be a SELECT (or WITH ... SELECT)");
        }
        if (query.contains(";")) {
            throw new InvalidConfigException("query", "must be one statement");
        }
        return ReadPlan.Source.query(query);
    }

    private static String idColumn(Config typed) throws InvalidConfigException {
        String id = typed.id__column().strip();
        if (id.isEmpty()) {
            if (!typed.tracking__unique()) {
                throw new InvalidConfigException("id_column", "is required unless tracking_unique = true: rows with "
                        + "the same tracking value would be read in no defined order, and some could be missed. "
                        + "Set tracking_unique = true only for a unique column (an increasing id), or for a "
                        + "timestamp if you accept that risk");
            }
            return null;
        }
        return column("id_column", id);
    }

    private static String column(String key, String name) throws InvalidConfigException {
        String value = name == null ? "" : name.strip();
        if (value.isEmpty()) {
            throw new InvalidConfigException(key, "is required");
        }
        if (!COLUMN.matcher(value).matches()) {
            throw new InvalidConfigException(key, "must be a column name (letters, digits, _ or \"Quoted\"), got "
                    + InputConfig.quote(value));
        }
        return value;
    }
}
