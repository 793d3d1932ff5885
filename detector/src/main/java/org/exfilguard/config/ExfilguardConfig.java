package org.exfilguard.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;
import org.exfilguard.detect.ColdStart;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.detect.Recurrence;
import org.exfilguard.detect.SensitiveTables;
import org.exfilguard.detect.TableSettings;
import org.exfilguard.detect.Thresholds;
import org.exfilguard.detect.TierFloors;
import org.exfilguard.incident.IncidentLifecycle;
import org.exfilguard.serde.AlertFormat;
import org.exfilguard.topology.NormaliserSettings;
import org.exfilguard.topology.Topics;

/**
 * The detector's typed configuration: every key with its type, default, validator and documentation in one
 * place. Keys that are not the detector's own pass through to Kafka Streams and its clients (TLS, SASL, any
 * {@code consumer.}/{@code producer.} setting), so a secured cluster is configured the standard way.
 * Precedence (see {@link ConfigLoader}): defaults &lt; properties file &lt; environment &lt; command line.
 */
public final class ExfilguardConfig extends AbstractConfig {

    public static final String SENSITIVE_TABLES = "sensitive.tables";
    public static final String SENSITIVE_TIERS = "sensitive.tiers";
    public static final String SENSITIVE_COLUMNS = "sensitive.columns";
    public static final String TIER_FLOOR_FACTORS = "sensitive.tier.floor.factors";
    public static final String OFF_HOURS_WINDOW = "off.hours.window";
    public static final String OFF_HOURS_HABIT_DAYS = "off.hours.habit.days";
    public static final String TIME_ZONE = "time.zone";
    public static final String NIGHT_NORM_BAND = "night.norm.band";
    public static final String NIGHT_NORM_FLOOR_FACTOR = "night.norm.floor.factor";
    public static final String WINDOWS = "windows";
    public static final String HISTORY_DAYS = "baseline.history.days";
    public static final String MIN_HISTORY_DAYS = "baseline.min.history.days";
    public static final String RATIO_OVER_TYPICAL = "threshold.ratio.over.typical";
    public static final String MAD_MULTIPLIER = "threshold.mad.multiplier";
    public static final String OVER_PEAK_FACTOR = "threshold.over.peak.factor";
    public static final String PEER_QUANTILE = "peer.quantile";
    public static final String PEER_FACTOR = "peer.factor";
    public static final String PEER_MIN_COUNT = "peer.min.count";
    public static final String COLD_START_MIN_ROWS = "cold.start.min.rows";
    public static final String RECURRENCE_TOLERANCE_MINUTES = "recurrence.tolerance.minutes";
    public static final String RECURRENCE_FACTOR = "recurrence.factor";
    public static final String RECURRENCE_LOOKBACK_DAYS = "recurrence.lookback.days";
    public static final String INCIDENT_GROWTH_FACTOR = "incident.growth.factor";
    public static final String INCIDENT_MAX_UPDATES = "incident.max.updates";
    public static final String INCIDENT_QUIET_MINUTES = "incident.quiet.minutes";
    public static final String INCIDENT_UPDATE_MINUTES = "incident.update.interval.minutes";
    public static final String SEVERITY_MEDIUM_SCORE = "incident.severity.medium.score";
    public static final String SEVERITY_HIGH_SCORE = "incident.severity.high.score";
    public static final String SEVERITY_CRITICAL_SCORE = "incident.severity.critical.score";
    public static final String MAX_FUTURE_SKEW_HOURS = "event.max.future.skew.hours";
    public static final String DRIFT_ENABLED = "drift.enabled";
    public static final String DRIFT_HISTORY_DAYS = "drift.history.days";
    public static final String DRIFT_MIN_HISTORY_DAYS = "drift.min.history.days";
    public static final String DRIFT_RELATIVE_EXCESS = "drift.relative.excess";
    public static final String DRIFT_MAD_MULTIPLIER = "drift.mad.multiplier";
    public static final String DRIFT_MIN_EXCESS_ROWS = "drift.min.excess.rows";
    public static final String DRIFT_MIN_HOURS = "drift.min.hours";
    public static final String DRIFT_MAX_GAP_DAYS = "drift.max.gap.days";
    public static final String WEAK_READ_ENABLED = "weak.read.enabled";
    public static final String WEAK_READ_FACTOR = "weak.read.factor";
    public static final String WEAK_READ_MIN_ROWS = "weak.read.min.rows";
    public static final String WEAK_READ_EGRESS_MIN_BYTES = "weak.read.egress.min.bytes";
    public static final String PEER_GROUPS = "peer.groups";
    public static final String PEER_GROUPS_FILE = "peer.groups.file";

    public static final String TOPIC_DB_ACCESS = "topic.db.access";
    public static final String TOPIC_EGRESS = "topic.egress";
    public static final String TOPIC_ALERTS = "topic.alerts";
    /** The topic of alerts as OCSF findings. */
    public static final String TOPIC_ALERTS_JSON =
            AlertFormat.OCSF.topic().orElseThrow().key();
    /** The topic of alerts as ECS documents. */
    public static final String TOPIC_ALERTS_ECS =
            AlertFormat.ECS.topic().orElseThrow().key();

    public static final String ALERTS_JSON_FORMATS = "alerts.json.formats";
    public static final String TOPIC_DEAD_LETTERS = "topic.dead.letters";
    public static final String TOPIC_RAW_DB = "topic.raw.db.logs";
    public static final String TOPIC_RAW_EGRESS = "topic.raw.egress.logs";
    public static final String TOPIC_READ_SIGNALS = "topic.read.signals";
    public static final String TOPIC_EGRESS_UPDATES = "topic.egress.updates";
    public static final String TOPIC_TABLE_READS = "topic.table.reads";
    public static final String TOPIC_PEER_DAYS = "topic.peer.days";

    public static final String TABLE_PROFILE_ENABLED = "table.profile.enabled";
    public static final String TABLE_PROFILE_WINDOWS = "table.profile.windows";
    public static final String TABLE_PROFILE_HISTORY_DAYS = "table.profile.history.days";
    public static final String TABLE_PROFILE_MIN_HISTORY_DAYS = "table.profile.min.history.days";
    public static final String TABLE_PROFILE_RATIO_OVER_TYPICAL = "table.profile.ratio.over.typical";
    public static final String TABLE_PROFILE_MAD_MULTIPLIER = "table.profile.mad.multiplier";
    public static final String TABLE_PROFILE_OVER_PEAK_FACTOR = "table.profile.over.peak.factor";
    public static final String TABLE_PROFILE_QUIET_MINUTES = "table.profile.quiet.minutes";
    public static final String TABLE_PROFILE_MAX_CONTRIBUTORS = "table.profile.max.contributors";

    public static final String INTERNAL_NETWORKS = "internal.networks";
    public static final String KNOWN_DESTINATIONS = "egress.known.destinations";
    public static final String EGRESS_HORIZON_MINUTES = "egress.horizon.minutes";
    public static final String EGRESS_MIN_UNUSUAL_BYTES = "egress.min.unusual.bytes";
    public static final String EGRESS_WINDOWS = "egress.windows";
    public static final String EGRESS_COLD_START_MIN_BYTES = "egress.cold.start.min.bytes";
    public static final String EGRESS_MAX_DESTINATIONS = "egress.max.destinations.per.host";
    public static final String CORRELATION_IDLE_SECONDS = "correlation.idle.seconds";
    public static final String CORRELATION_WATERMARK_INTERVAL_MS = "correlation.watermark.interval.ms";
    public static final String CORRELATION_FOLLOW_MS = "correlation.follow.ms";
    public static final String RAW_NORMALISE = "raw.normalise.enabled";
    public static final String RAW_DB_FORMAT = "raw.db.format";
    public static final String RAW_EGRESS_FORMAT = "raw.egress.format";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

    public static final String ALLOWLIST_FILE = "allowlist.file";
    public static final String ALLOWLIST_CHECK_SECONDS = "allowlist.check.seconds";

    public static final String METRICS_HOST = "metrics.host";
    public static final String METRICS_PORT = "metrics.port";
    public static final String STALL_TIMEOUT_SECONDS = "stall.timeout.seconds";
    public static final String METRICS_TOKEN = "metrics.token";

    public static final String READ_PROFILE_CACHE_BYTES = "read.profile.cache.bytes";
    public static final String READ_PROFILE_WRITE_CACHE_BYTES = "read.profile.write.cache.bytes";
    public static final String ROCKSDB_BLOCK_CACHE_BYTES = BoundedRocksDbConfig.BLOCK_CACHE_BYTES;
    public static final String ROCKSDB_WRITE_BUFFER_BYTES = BoundedRocksDbConfig.WRITE_BUFFER_BYTES;

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    SENSITIVE_TABLES,
                    Type.LIST,
                    "coop.members,coop.member_cards",
                    Importance.HIGH,
                    "Sensitive tables to profile, db.table or a bare table name (any database), case-insensitive; each may carry a sensitivity tier, table:tier with tier critical, high or standard (a plain name takes its tier from sensitive.tiers).")
            .define(
                    SENSITIVE_TIERS,
                    Type.LIST,
                    String.join(",", SensitiveTables.DEFAULT_TIERS),
                    Importance.MEDIUM,
                    "Tiers of the sensitive tables listed without one, as table:tier; a table in neither list is standard.")
            .define(
                    SENSITIVE_COLUMNS,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "Personal columns of sensitive tables, db.table.column (table as written in sensitive.tables),"
                            + " e.g. coop.members.email,coop.members.phone. A table with entries is read only by a"
                            + " statement whose result can hold one of them: *, alias.*, a listed column qualified by"
                            + " the table or unqualified (inside functions too), or anything not read with confidence"
                            + " from its fingerprint (subqueries, CTEs, literals or double-quoted names in the select"
                            + " list, unparsable SQL). Other statements on it are counted in exfil.events"
                            + " (outcome non_personal_columns) or exfil.reads.non.personal, not profiled. A table"
                            + " without entries (the default) has every column sensitive.")
            .define(
                    TIER_FLOOR_FACTORS,
                    Type.LIST,
                    String.join(",", TierFloors.DEFAULTS),
                    Importance.MEDIUM,
                    "Per tier, tier:bulk-factor:off-hours-factor: every window's min-rows (and the cold-start floor) times the bulk factor is the tier's floor; the off-hours window's min-rows times the off-hours factor is its floor at hours the account never reads. Reads across all tables together take the least sensitive tier's factors.")
            .define(
                    OFF_HOURS_WINDOW,
                    Type.STRING,
                    DetectionSettings.DEFAULT_OFF_HOURS_WINDOW,
                    Importance.MEDIUM,
                    "The off-hours window, length:sub-buckets:min-rows: the sliding sum of the rows an account reads at hours of the week it never reads (no reads in the hour or the hour either side, working days and weekends apart, on off.hours.habit.days days of its history), judged against min-rows times the table tier's off-hours factor once the account has baseline.min.history.days of history. Empty: off.")
            .define(
                    OFF_HOURS_HABIT_DAYS,
                    Type.INT,
                    1,
                    Range.between(1, 63),
                    Importance.LOW,
                    "Days with reads in (or beside) an hour band that make it one of the account's hours: 1 learns a new shift after its first day.")
            .define(
                    TIME_ZONE,
                    Type.STRING,
                    "UTC",
                    Importance.MEDIUM,
                    "The organisation's time zone (an IANA id such as Europe/London, or an offset): local hours and weekends for the off-hours rule, the night norm and the table profile.")
            .define(
                    NIGHT_NORM_BAND,
                    Type.STRING,
                    org.exfilguard.detect.NightNorm.DEFAULT_BAND,
                    Importance.LOW,
                    "The night norm's band of the day, HH:MM-HH:MM in time.zone (an end at or before the start runs past midnight): at a read in the band, each window shorter than the band is judged against the lower of its daily-peak threshold and the same thresholds over the account's clean peaks in the band (the tier's floor still applies), once the account has baseline.min.history.days band-days of such peaks and (with the off-hours rule on) read in the band's hours on as many of the last baseline.history.days days. Empty: off.")
            .define(
                    NIGHT_NORM_FLOOR_FACTOR,
                    Type.DOUBLE,
                    org.exfilguard.detect.NightNorm.DEFAULT_FLOOR_FACTOR,
                    Range.between(0.01, 1.0),
                    Importance.LOW,
                    "The night norm's floor: each window's min-rows times the table tier's bulk factor, times this. 1 keeps the daytime floors (a night dump alerts no sooner than it reaches them); less lets a night read far above the account's night norm alert below them. The night threshold stays at least 4 times the account's median night peak.")
            .define(
                    WINDOWS,
                    Type.LIST,
                    String.join(",", DetectionSettings.DEFAULT_WINDOWS),
                    Importance.MEDIUM,
                    "Sliding windows as length:sub-buckets:min-rows, shortest first (minutes for smash-and-grab, days for low-and-slow); no window alerts below its min-rows.")
            .define(
                    HISTORY_DAYS,
                    Type.INT,
                    28,
                    Range.between(1, 366),
                    Importance.MEDIUM,
                    "Clean daily peaks kept per window: the baseline's memory.")
            .define(
                    MIN_HISTORY_DAYS,
                    Type.INT,
                    ColdStart.defaults().minHistoryDays(),
                    Range.between(1, 366),
                    Importance.MEDIUM,
                    "Days of an account's own history before its baseline replaces the peer (cold-start) baseline.")
            .define(
                    RATIO_OVER_TYPICAL,
                    Type.DOUBLE,
                    Thresholds.defaults().ratioOverTypical(),
                    Range.atLeast(1.0),
                    Importance.MEDIUM,
                    "A window alerts only above this many times the account's median daily peak.")
            .define(
                    MAD_MULTIPLIER,
                    Type.DOUBLE,
                    Thresholds.defaults().madMultiplier(),
                    Range.atLeast(0.0),
                    Importance.MEDIUM,
                    "... and above the median daily peak plus this many robust standard deviations (scaled MAD).")
            .define(
                    OVER_PEAK_FACTOR,
                    Type.DOUBLE,
                    Thresholds.defaults().overPeakFactor(),
                    Range.atLeast(1.0),
                    Importance.MEDIUM,
                    "... and above this many times the largest clean daily peak of the history.")
            .define(
                    PEER_QUANTILE,
                    Type.DOUBLE,
                    ColdStart.defaults().peerQuantile(),
                    Range.between(0.5, 1.0),
                    Importance.LOW,
                    "Cold start: the quantile of peers' daily peaks compared with (a typical account's, not the heaviest jobs').")
            .define(
                    PEER_FACTOR,
                    Type.DOUBLE,
                    ColdStart.defaults().peerFactor(),
                    Range.atLeast(1.0),
                    Importance.LOW,
                    "Cold start: threshold is this many times the peer quantile.")
            .define(
                    PEER_MIN_COUNT,
                    Type.INT,
                    ColdStart.defaults().minPeers(),
                    Range.atLeast(1),
                    Importance.LOW,
                    "Cold start: peer account-days needed before the peer baseline is used.")
            .define(
                    COLD_START_MIN_ROWS,
                    Type.LONG,
                    ColdStart.defaults().floor(),
                    Range.atLeast(0L),
                    Importance.LOW,
                    "Cold start with too few peers: the threshold.")
            .define(
                    RECURRENCE_TOLERANCE_MINUTES,
                    Type.INT,
                    (int) Recurrence.defaults().tolerance().toMinutes(),
                    Range.between(0, 720),
                    Importance.LOW,
                    "A volume that alerted on an earlier day within this many minutes of the time of day is a recurring job.")
            .define(
                    RECURRENCE_FACTOR,
                    Type.DOUBLE,
                    Recurrence.defaults().factor(),
                    Range.atLeast(1.0),
                    Importance.LOW,
                    "... if it is at most this many times that day's peak.")
            .define(
                    RECURRENCE_LOOKBACK_DAYS,
                    Type.INT,
                    Recurrence.defaults().lookbackDays(),
                    Range.between(1, 60),
                    Importance.LOW,
                    "How many days back a recurring job is looked for (8 covers a weekly job).")
            .define(
                    INCIDENT_GROWTH_FACTOR,
                    Type.DOUBLE,
                    IncidentLifecycle.defaults().growthFactor(),
                    Range.atLeast(1.0),
                    Importance.LOW,
                    "An open incident is UPDATED when its score grows by this factor.")
            .define(
                    INCIDENT_MAX_UPDATES,
                    Type.INT,
                    IncidentLifecycle.defaults().maxUpdates(),
                    Range.between(0, 100),
                    Importance.LOW,
                    "At most this many UPDATED records per incident.")
            .define(
                    INCIDENT_UPDATE_MINUTES,
                    Type.INT,
                    (int) IncidentLifecycle.defaults().updateInterval().toMinutes(),
                    Range.atLeast(0),
                    Importance.LOW,
                    "... and at least this many minutes (event time) after its previous record.")
            .define(
                    INCIDENT_QUIET_MINUTES,
                    Type.INT,
                    (int) IncidentLifecycle.defaults().quietPeriod().toMinutes(),
                    Range.atLeast(1),
                    Importance.LOW,
                    "An incident CLOSES after this many minutes (event time) without reads above threshold.")
            // Severity from an alert's score: how many times its window's threshold the volume is.
            .define(
                    SEVERITY_MEDIUM_SCORE,
                    Type.DOUBLE,
                    IncidentLifecycle.Severities.defaults().medium(),
                    Range.atLeast(1.0),
                    Importance.LOW,
                    "An incident is MEDIUM from this score (the volume over its window's threshold), LOW below it.")
            .define(
                    SEVERITY_HIGH_SCORE,
                    Type.DOUBLE,
                    IncidentLifecycle.Severities.defaults().high(),
                    Range.atLeast(1.0),
                    Importance.LOW,
                    "An incident is HIGH from this score (the volume over its window's threshold); above "
                            + SEVERITY_MEDIUM_SCORE + ".")
            .define(
                    SEVERITY_CRITICAL_SCORE,
                    Type.DOUBLE,
                    IncidentLifecycle.Severities.defaults().critical(),
                    Range.atLeast(1.0),
                    Importance.LOW,
                    "An incident is CRITICAL from this score (the volume over its window's threshold); above "
                            + SEVERITY_HIGH_SCORE + ".")
            .define(
                    MAX_FUTURE_SKEW_HOURS,
                    Type.INT,
                    24,
                    Range.atLeast(0),
                    Importance.LOW,
                    "Events whose time is further ahead of the wall clock go to the dead-letter topic.")
            // Slow drifts: a CUSUM of each account's daily rows of a sensitive scope against its own norm.
            .define(
                    DRIFT_ENABLED,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Whether the slow-drift detector runs: sustained growth of an account's daily reads of a sensitive"
                            + " table over days (a one-sided CUSUM against the account's own daily norm), alerted as SLOW_DRIFT.")
            .define(
                    DRIFT_HISTORY_DAYS,
                    Type.INT,
                    28,
                    Range.between(1, 366),
                    Importance.LOW,
                    "Days (empty ones included) the drift detector's daily norm (median and MAD) is learnt from.")
            .define(
                    DRIFT_MIN_HISTORY_DAYS,
                    Type.INT,
                    7,
                    Range.between(1, 366),
                    Importance.LOW,
                    "Days of an account's history before its drift is judged.")
            .define(
                    DRIFT_RELATIVE_EXCESS,
                    Type.DOUBLE,
                    0.25,
                    Range.atLeast(0.0),
                    Importance.MEDIUM,
                    "A day counts towards a drift when it is above the account's daily norm by at least this fraction of"
                            + " the norm (and the MADs and rows below); the drift alarms after two such days.")
            .define(
                    DRIFT_MAD_MULTIPLIER,
                    Type.DOUBLE,
                    3.0,
                    Range.atLeast(0.0),
                    Importance.LOW,
                    "... and by at least this many scaled MADs of the account's daily totals.")
            .define(
                    DRIFT_MIN_EXCESS_ROWS,
                    Type.LONG,
                    500L,
                    Range.atLeast(1),
                    Importance.MEDIUM,
                    "... and by at least this many rows a day: a noise guard for accounts that read almost nothing"
                            + " (a drift of a few hundred rows an hour over a working day is well above it).")
            .define(
                    DRIFT_MIN_HOURS,
                    Type.INT,
                    4,
                    Range.between(1, 24),
                    Importance.LOW,
                    "A day's growth counts towards a drift only when its reads span this many distinct hours: a drift is"
                            + " spread out, one large read is the sliding windows' case.")
            .define(
                    DRIFT_MAX_GAP_DAYS,
                    Type.INT,
                    3,
                    Range.between(1, 366),
                    Importance.LOW,
                    "The drift detector forgets a growing run after more than this many days in a row without reads"
                            + " (3 keeps a drift across a weekend).")
            // Weak reads: above the account's norm for the hour, below the alert threshold; an incident only with
            // unusual egress from the reading host after them.
            .define(
                    WEAK_READ_ENABLED,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Whether weak reads are watched: a read clearly above the account's own norm for the hour but below"
                            + " the alert threshold is no alert on its own, but if the reading host then sends at least"
                            + " weak.read.egress.min.bytes to destinations new for it within egress.horizon.minutes, it is"
                            + " a READ_THEN_EGRESS incident. Egress alone is still only counted.")
            .define(
                    WEAK_READ_FACTOR,
                    Type.DOUBLE,
                    org.exfilguard.detect.WeakReadSettings.DEFAULT_FACTOR,
                    Range.atLeast(1.0),
                    Importance.MEDIUM,
                    "A read is weak when a sub-day window's sum is at least this many times the account's norm for the"
                            + " hour (the median of its clean daily peaks in an hour it reads in, and no less than its"
                            + " largest; zero in an hour it never reads) ...")
            .define(
                    WEAK_READ_MIN_ROWS,
                    Type.LONG,
                    org.exfilguard.detect.WeakReadSettings.DEFAULT_MIN_ROWS,
                    Range.atLeast(1L),
                    Importance.MEDIUM,
                    "... and at least this many rows, times the table tier's bulk factor (critical tables: half): a"
                            + " noise guard, so an account that reads a handful of rows is not weak for reading a few more.")
            .define(
                    WEAK_READ_EGRESS_MIN_BYTES,
                    Type.LONG,
                    org.exfilguard.detect.WeakReadSettings.DEFAULT_EGRESS_MIN_BYTES,
                    Range.atLeast(1L),
                    Importance.MEDIUM,
                    "Bytes to destinations new for the reading host, within egress.horizon.minutes of a weak read, that"
                            + " make it an incident. Lower than egress.min.unusual.bytes because a weak read is small:"
                            + " below the alert threshold (10,000 rows an hour by default) its rows make a file of a few"
                            + " hundred KB to a few MB, so 10 MB of egress would be more than it could hold.")
            .define(
                    PEER_GROUPS,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "Peer groups a new account is judged against before it has history of its own: entries"
                            + " group:account-pattern, e.g. service:svc_*,bi:bi_* (* any characters, ? one; the first"
                            + " matching entry, then the file's lines, names the group). A group is used once it has"
                            + " peer.min.count account-days; an account in no group, or a group with fewer, is judged"
                            + " against the whole population. Empty: the whole population.")
            .define(
                    PEER_GROUPS_FILE,
                    Type.STRING,
                    "",
                    Importance.LOW,
                    "A file of more peer groups, one group,account-pattern per line (blank lines and # comments"
                            + " skipped); read at start. Empty: none.")
            .define(
                    TOPIC_DB_ACCESS,
                    Type.STRING,
                    Topics.defaults().dbAccess(),
                    Importance.MEDIUM,
                    "Canonical DB access events (Avro, keyed by account).")
            .define(
                    TOPIC_EGRESS,
                    Type.STRING,
                    Topics.defaults().egress(),
                    Importance.MEDIUM,
                    "Canonical egress events (Avro, keyed by source ip).")
            .define(
                    TOPIC_ALERTS,
                    Type.STRING,
                    Topics.defaults().alerts(),
                    Importance.MEDIUM,
                    "Alerts (Avro ExfiltrationAlert, keyed by account).")
            .define(
                    ALERTS_JSON_FORMATS,
                    Type.LIST,
                    String.join(",", publishableIds()),
                    ConfigDef.ValidList.in(publishableIds().toArray(String[]::new)),
                    Importance.LOW,
                    "Alert formats published beside the Avro alerts, each to its topic (" + publishedTopicKeys() + ").")
            .define(
                    TOPIC_DEAD_LETTERS,
                    Type.STRING,
                    Topics.defaults().deadLetters(),
                    Importance.MEDIUM,
                    "Dead letters: original bytes, reason in headers.")
            .define(
                    TOPIC_RAW_DB,
                    Type.STRING,
                    Topics.defaults().rawDbLogs(),
                    Importance.LOW,
                    "Raw DB log lines from shippers.")
            .define(
                    TOPIC_RAW_EGRESS,
                    Type.STRING,
                    Topics.defaults().rawEgressLogs(),
                    Importance.LOW,
                    "Raw egress log lines from shippers.")
            .define(
                    TOPIC_READ_SIGNALS,
                    Type.STRING,
                    Topics.defaults().readSignals(),
                    Importance.LOW,
                    "Internal: bulk reads and accounts seen, keyed by client ip (as many partitions as the egress topic).")
            .define(
                    TOPIC_EGRESS_UPDATES,
                    Type.STRING,
                    Topics.defaults().egressUpdates(),
                    Importance.LOW,
                    "Internal: egress evidence for open incidents, and table incidents' links to their accounts, keyed by "
                            + "account (as many partitions as db-access).")
            .define(
                    TOPIC_TABLE_READS,
                    Type.STRING,
                    Topics.defaults().tableReads(),
                    Importance.LOW,
                    "Internal: sensitive reads summed per minute and account, re-keyed by table for the table profile, and"
                            + " the read tasks' watermarks (any partition count; created like db-access).")
            .define(
                    TOPIC_PEER_DAYS,
                    Type.STRING,
                    Topics.defaults().peerDays(),
                    Importance.LOW,
                    "Internal: each read task's clean daily peaks per day, sent to every read task so the peer"
                            + " baselines cover all partitions (as many partitions as db-access).")
            // The table as a whole: each sensitive table's reads across all accounts against its time-of-week norm.
            .define(
                    TABLE_PROFILE_ENABLED,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Profile each sensitive table across all accounts (re-keyed by table through topic.table.reads):"
                            + " several accounts reading one table at ordinary rates at once raise one TABLE_SURGE"
                            + " incident naming them and their shares.")
            .define(
                    TABLE_PROFILE_WINDOWS,
                    Type.LIST,
                    String.join(",", TableSettings.DEFAULT_WINDOWS),
                    Importance.LOW,
                    "Sliding windows of the table profile as length:sub-buckets:min-rows (whole minutes; sub-buckets"
                            + " are ignored, the profile sums per minute); no window alerts below its min-rows.")
            .define(
                    TABLE_PROFILE_HISTORY_DAYS,
                    Type.INT,
                    28,
                    Range.between(1, 366),
                    Importance.LOW,
                    "Clean peaks kept per table window and time of week (hour of the day in time.zone, working days and"
                            + " weekends apart).")
            .define(
                    TABLE_PROFILE_MIN_HISTORY_DAYS,
                    Type.INT,
                    4,
                    Range.between(1, 366),
                    Importance.LOW,
                    "Peaks of a time of week needed before the table profile alerts in it (it learns until then).")
            .define(
                    TABLE_PROFILE_RATIO_OVER_TYPICAL,
                    Type.DOUBLE,
                    2.0,
                    Range.atLeast(1.0),
                    Importance.LOW,
                    "A table window alerts only above this many times the time of week's median peak (the sum of many"
                            + " accounts is smoother than one account's, so less than threshold.ratio.over.typical).")
            .define(
                    TABLE_PROFILE_MAD_MULTIPLIER,
                    Type.DOUBLE,
                    6.0,
                    Range.atLeast(0.0),
                    Importance.LOW,
                    "... and above the time of week's median peak plus this many robust standard deviations (scaled"
                            + " MAD).")
            .define(
                    TABLE_PROFILE_OVER_PEAK_FACTOR,
                    Type.DOUBLE,
                    1.5,
                    Range.atLeast(1.0),
                    Importance.LOW,
                    "... and above this many times the time of week's largest clean peak.")
            .define(
                    TABLE_PROFILE_QUIET_MINUTES,
                    Type.INT,
                    60,
                    Range.atLeast(1),
                    Importance.LOW,
                    "A TABLE_SURGE incident closes after this many minutes without a table window above its threshold.")
            .define(
                    TABLE_PROFILE_MAX_CONTRIBUTORS,
                    Type.INT,
                    16,
                    Range.between(1, 1000),
                    Importance.LOW,
                    "Accounts a TABLE_SURGE record names at most.")
            .define(
                    INTERNAL_NETWORKS,
                    Type.LIST,
                    String.join(",", org.exfilguard.ingest.InternalNetworks.DEFAULT_CIDRS),
                    Importance.MEDIUM,
                    "CIDRs of the organisation's own networks: traffic to them is not egress.")
            .define(
                    KNOWN_DESTINATIONS,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "External destinations (ips or CIDRs) that are expected, e.g. backup targets and SaaS: never egress evidence.")
            .define(
                    EGRESS_HORIZON_MINUTES,
                    Type.INT,
                    120,
                    Range.atLeast(1),
                    Importance.MEDIUM,
                    "Egress up to this many minutes after an incident's last bulk read is correlated with it.")
            .define(
                    EGRESS_MIN_UNUSUAL_BYTES,
                    Type.LONG,
                    10_000_000L,
                    Range.atLeast(1L),
                    Importance.MEDIUM,
                    "Bytes to destinations new for the host that escalate a bulk-read incident (weak reads: see"
                            + " weak.read.egress.min.bytes).")
            .define(
                    EGRESS_WINDOWS,
                    Type.LIST,
                    String.join(",", org.exfilguard.detect.EgressSettings.DEFAULT_WINDOWS),
                    Importance.LOW,
                    "Windows of outbound bytes per host, as length:sub-buckets:min-bytes; judged against the host's own"
                            + " history (the baseline and threshold keys of reads apply), before that against its peers.")
            .define(
                    EGRESS_COLD_START_MIN_BYTES,
                    Type.LONG,
                    org.exfilguard.detect.EgressSettings.DEFAULT_COLD_START_MIN_BYTES,
                    Range.atLeast(0L),
                    Importance.LOW,
                    "Cold start of a host with too few peers (peer.min.count) to compare with: the bytes a window must"
                            + " exceed, as cold.start.min.rows is for reads.")
            .define(
                    EGRESS_MAX_DESTINATIONS,
                    Type.INT,
                    512,
                    Range.atLeast(8),
                    Importance.LOW,
                    "Destinations remembered per host; beyond it the one used longest ago (by day) is forgotten, and would count as new again.")
            .define(
                    CORRELATION_IDLE_SECONDS,
                    Type.INT,
                    org.exfilguard.topology.Correlation.DEFAULT_IDLE_SECONDS,
                    Range.atLeast(0),
                    Importance.LOW,
                    "Read-then-egress correlation runs in event time, each side waiting for the other; a side (a "
                            + "database log, a flow log) without input for this many seconds of wall time is no longer waited for. "
                            + "0: always wait (backtest sets it, and ends its input instead).")
            .define(
                    CORRELATION_WATERMARK_INTERVAL_MS,
                    Type.INT,
                    org.exfilguard.topology.Correlation.DEFAULT_WATERMARK_INTERVAL_MS,
                    Range.between(10, 60_000),
                    Importance.LOW,
                    "How often (wall time) each read task tells the egress side how far its reads have come.")
            .define(
                    CORRELATION_FOLLOW_MS,
                    Type.INT,
                    org.exfilguard.topology.Correlation.DEFAULT_FOLLOW_MS,
                    Range.between(0, 3_600_000),
                    Importance.LOW,
                    "A read task without reads for this many milliseconds of wall time declares its peer days before the "
                            + "other read tasks' day over, so their reads of accounts in cold start (judged against "
                            + "every partition's peers of the days before) do not wait for it after midnight (also "
                            + "while it holds reads itself). Late punctuations (a busy thread) postpone it, but a task "
                            + "without reads for five times this (since its last read or its start) follows however "
                            + "late they come. 0: never "
                            + "(a task leaves a day with its own next read or at the end of input, as backtest sets).")
            .define(
                    RAW_NORMALISE,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Parse raw log lines from shippers (topics topic.raw.db.logs, topic.raw.egress.logs) into the canonical topics; missing raw topics are created.")
            .define(
                    RAW_DB_FORMAT,
                    Type.STRING,
                    NormaliserSettings.AUTO,
                    ConfigDef.ValidString.in(NormaliserSettings.formatChoices()),
                    Importance.LOW,
                    "Format of the raw DB log topic's records: auto (detected per record) or a format id such as mysql-slow or pgaudit.")
            .define(
                    RAW_EGRESS_FORMAT,
                    Type.STRING,
                    NormaliserSettings.AUTO,
                    ConfigDef.ValidString.in(NormaliserSettings.formatChoices()),
                    Importance.LOW,
                    "Format of the raw egress log topic's records: auto, zeek-conn, vpc-flow or canonical.")
            .define(BOOTSTRAP_SERVERS, Type.STRING, "localhost:9092", Importance.HIGH, "Kafka bootstrap servers.")
            .define(
                    APPLICATION_ID,
                    Type.STRING,
                    "exfilguard",
                    Importance.HIGH,
                    "Kafka Streams application id: instances with the same id share the work; it prefixes internal topics.")
            .define(
                    STATE_DIR,
                    Type.STRING,
                    System.getProperty("java.io.tmpdir") + "/exfilguard-state",
                    Importance.MEDIUM,
                    "Directory of the RocksDB state stores (a persistent volume in production).")
            .define(
                    PROCESSING_GUARANTEE,
                    Type.STRING,
                    "exactly_once_v2",
                    ConfigDef.ValidString.in("exactly_once_v2", "at_least_once"),
                    Importance.MEDIUM,
                    "exactly_once_v2: no alert lost or repeated across crashes; at_least_once: duplicates with the same ids possible.")
            .define(
                    SCHEMA_REGISTRY_URL,
                    Type.STRING,
                    "http://localhost:8081",
                    Importance.HIGH,
                    "Schema registry (Confluent REST API: Confluent, Apicurio ccompat, Karapace, Redpanda); comma-separated for fail-over.")
            .define(
                    AUTO_REGISTER_SCHEMAS,
                    Type.BOOLEAN,
                    true,
                    Importance.LOW,
                    "Register the alert schema on first use.")
            .define(
                    ALLOWLIST_FILE,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "YAML allow-list (accounts, tables, hosts, destinations, time windows, expiry, reason, owner); re-read when it changes, no restart. Empty: none.")
            .define(
                    ALLOWLIST_CHECK_SECONDS,
                    Type.INT,
                    10,
                    Range.atLeast(1),
                    Importance.LOW,
                    "How often the allow-list file is checked for changes (an edit applies after it has been stable this long).")
            .define(
                    METRICS_HOST,
                    Type.STRING,
                    "127.0.0.1",
                    Importance.LOW,
                    "Address the /metrics and /health endpoint binds to.")
            .define(
                    STALL_TIMEOUT_SECONDS,
                    Type.INT,
                    600,
                    Range.atLeast(0),
                    Importance.LOW,
                    "Exit with code 75 (for a supervisor to restart the detector) when input waits but nothing has been processed, or a state restoration has restored nothing, for this long; 0 never.")
            .define(
                    METRICS_PORT,
                    Type.INT,
                    9464,
                    Range.between(-1, 65535),
                    Importance.LOW,
                    "Port of the /metrics and /health endpoint; 0 picks a free one, -1 disables it.")
            .define(METRICS_TOKEN, Type.PASSWORD, null, Importance.LOW, "Bearer token required by /metrics when set.")
            .define(
                    ROCKSDB_BLOCK_CACHE_BYTES,
                    Type.LONG,
                    BoundedRocksDbConfig.DEFAULT_BLOCK_CACHE_BYTES,
                    Range.atLeast(1L << 20),
                    Importance.MEDIUM,
                    "Off-heap memory of all RocksDB stores of the process together: one shared block cache, memtables included.")
            .define(
                    READ_PROFILE_CACHE_BYTES,
                    Type.LONG,
                    org.exfilguard.topology.DetectorTopology.DEFAULT_PROFILE_CACHE_BYTES,
                    Range.atLeast(0L),
                    Importance.LOW,
                    "Heap each task (input partition) spends on a copy of the encoded profiles it used last, in front of RocksDB; 0 turns it off, "
                            + "and with it the task's decoded copies of its 1,024 hottest profiles.")
            .define(
                    READ_PROFILE_WRITE_CACHE_BYTES,
                    Type.LONG,
                    0L,
                    Range.atLeast(0L),
                    Importance.LOW,
                    "Kafka Streams record cache added for the profile store (per process), so a profile rewritten many times "
                            + "between commits reaches RocksDB and its changelog once per commit; worth it when a few busy accounts "
                            + "carry most reads, a cost when reads spread over many accounts. 0: every profile write goes through.")
            .define(
                    ROCKSDB_WRITE_BUFFER_BYTES,
                    Type.LONG,
                    BoundedRocksDbConfig.DEFAULT_WRITE_BUFFER_BYTES,
                    Range.atLeast(1L << 20),
                    Importance.LOW,
                    "The share of the block cache that RocksDB memtables of all stores may take together.");

    static {
        // Each publishable alert format names its own topic key (the format's class and test are all a new one needs).
        for (AlertFormat format : AlertFormat.publishable()) {
            AlertFormat.Topic topic = format.topic().orElseThrow();
            DEFINITION.define(topic.key(), Type.STRING, topic.defaultName(), Importance.LOW, topic.doc());
        }
    }

    private static List<String> publishableIds() {
        return AlertFormat.publishable().stream().map(AlertFormat::id).toList();
    }

    private static String publishedTopicKeys() {
        return AlertFormat.publishable().stream()
                .map(f -> f.topic().orElseThrow().key() + " for " + f.id())
                .collect(Collectors.joining(", "));
    }

    /** Record cache added for profile writes (0: they bypass it). */
    public long profileWriteCacheBytes() {
        return getLong(READ_PROFILE_WRITE_CACHE_BYTES);
    }

    /** Heap per task for the profile cache of the read side. */
    public long profileCacheBytes() {
        return getLong(READ_PROFILE_CACHE_BYTES);
    }

    public ExfilguardConfig(Map<String, ?> values) {
        super(DEFINITION, values, false);
    }

    /** Events further than this ahead of the wall clock go to the dead-letter topic. */
    public Duration maxFutureSkew() {
        return Duration.ofHours(getInt(MAX_FUTURE_SKEW_HOURS));
    }

    /** The correlation's settings for a db-access topic of {@code readPartitions} partitions. */
    public org.exfilguard.topology.Correlation correlation(int readPartitions) {
        return new org.exfilguard.topology.Correlation(
                readPartitions,
                Duration.ofSeconds(getInt(CORRELATION_IDLE_SECONDS)),
                Duration.ofMillis(getInt(CORRELATION_WATERMARK_INTERVAL_MS)),
                Duration.ofMillis(getInt(CORRELATION_FOLLOW_MS)));
    }

    public Topics topics() {
        Map<String, String> renderings = new LinkedHashMap<>();
        List<String> published = getList(ALERTS_JSON_FORMATS);
        AlertFormat.publishable().stream()
                .filter(f -> published.contains(f.id()))
                .forEach(f ->
                        renderings.put(f.id(), getString(f.topic().orElseThrow().key())));
        return new Topics(
                getString(TOPIC_DB_ACCESS),
                getString(TOPIC_EGRESS),
                getString(TOPIC_ALERTS),
                renderings,
                getString(TOPIC_DEAD_LETTERS),
                getString(TOPIC_RAW_DB),
                getString(TOPIC_RAW_EGRESS),
                getString(TOPIC_READ_SIGNALS),
                getString(TOPIC_EGRESS_UPDATES),
                getString(TOPIC_TABLE_READS),
                getString(TOPIC_PEER_DAYS));
    }

    /** How the raw-topic normaliser reads each raw topic. */
    public NormaliserSettings normaliserSettings() {
        return NormaliserSettings.of(getString(RAW_DB_FORMAT), getString(RAW_EGRESS_FORMAT));
    }

    /** Settings that are not the detector's own: passed to Kafka Streams and its clients unchanged. */
    public Map<String, Object> passThrough() {
        Map<String, Object> out = new LinkedHashMap<>();
        Set<String> own = DEFINITION.names();
        originals().forEach((k, v) -> {
            if (!own.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Settings for the schema-registry client: its URL and any {@code schema.registry.*} / {@code basic.auth.*} key. */
    public Map<String, Object> registryClientConfig() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(SCHEMA_REGISTRY_URL, getString(SCHEMA_REGISTRY_URL));
        out.put(AUTO_REGISTER_SCHEMAS, getBoolean(AUTO_REGISTER_SCHEMAS));
        originals().forEach((k, v) -> {
            if (k.startsWith("schema.registry.") || k.startsWith("basic.auth.")) {
                out.put(k, v);
            }
        });
        return out;
    }

    public String metricsToken() {
        Password token = getPassword(METRICS_TOKEN);
        return token == null ? null : token.value();
    }

    /** True when the value of {@code key} is a secret: see {@link ConfigSecrets}. */
    public static boolean isSecret(String key) {
        return ConfigSecrets.isSecret(key);
    }

    /** Every effective setting, sorted, with secrets and URL passwords masked: safe to log. */
    public String describe() {
        Map<String, Object> all = new TreeMap<>();
        values().forEach((k, v) -> all.put(k, v));
        passThrough().forEach(all::put);
        return all.entrySet().stream()
                .map(e -> e.getKey() + "="
                        + (e.getValue() instanceof Password
                                ? ConfigSecrets.HIDDEN
                                : ConfigSecrets.display(e.getKey(), render(e.getValue()))))
                .collect(Collectors.joining("\n  ", "  ", ""));
    }

    private static String render(Object value) {
        if (value instanceof Object[] array) {
            return Arrays.toString(array);
        }
        return String.valueOf(value);
    }
}
