package org.exfilguard.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Captures everything this JVM logs (message and stack traces) while open, with the given loggers turned up to
 * INFO, so a test can grep its own logs, e.g. for a secret. The console appenders are detached meanwhile so that
 * the INFO chatter stays out of the build log.
 */
public final class LogCapture implements AutoCloseable {

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    private final Map<Logger, Level> previousLevels = new HashMap<>();
    private final Logger root;
    private final java.util.List<ch.qos.logback.core.Appender<ILoggingEvent>> detached = new java.util.ArrayList<>();

    public LogCapture(String... verboseLoggers) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%-5level [%thread] %logger - %msg%n%ex");
        encoder.start();
        appender.setContext(context);
        appender.setName("capture");
        appender.setEncoder(encoder);
        appender.setOutputStream(buffer);
        appender.start();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        previousLevels.put(root, root.getLevel());
        root.setLevel(Level.INFO);
        for (String name : verboseLoggers) {
            Logger logger = context.getLogger(name);
            previousLevels.put(logger, logger.getLevel());
            logger.setLevel(Level.INFO);
        }
        root.iteratorForAppenders().forEachRemaining(detached::add);
        detached.forEach(root::detachAppender);
        root.addAppender(appender);
    }

    /** What was logged so far. */
    public String text() {
        synchronized (buffer) {
            return buffer.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        detached.forEach(root::addAppender);
        appender.stop();
        previousLevels.forEach(Logger::setLevel);
    }
}
