package org.exfilguard.ingest;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;

/**
 * The bounds every canonical event is held to before it leaves ingest, whichever parser made it: a 1 MB account name
 * made a 2 MB Kafka record that the producer refused, which aborted a backtest. One place, so that no parser can
 * forget a field.
 *
 * <ul>
 *   <li>Names that key the detector's state (account, database, table): at most {@value #MAX_NAME_CHARS}
 *       characters and no control or format characters, else the event is rejected: a cut or cleaned name would be
 *       a different principal or table. No database allows such names, so only forged input has them.</li>
 *   <li>IP fields must be IPv4 or IPv6 literals. An egress event's source and destination are its identity: rejected.
 *       A database event's client ip is auxiliary: a host name there moves to an empty client_host, anything else
 *       is dropped.</li>
 *   <li>Descriptive labels (hosts, session id): cut at {@value #MAX_LABEL_CHARS}, control characters replaced by
 *       {@code ?}; protocol and source format likewise at {@value #MAX_SHORT_CHARS}.</li>
 *   <li>At most {@link SqlTables#MAX_TABLES} tables, the first ones kept; a fingerprint at most
 *       {@link Fingerprint#MAX_LENGTH} characters and the truncation marker.</li>
 * </ul>
 * What was changed is named in {@link ParseResult.Event#notes()}, so it is counted.
 */
final class EventBounds {

    static final int MAX_NAME_CHARS = 256;
    static final int MAX_LABEL_CHARS = 256;
    static final int MAX_SHORT_CHARS = 64;
    static final int MAX_FINGERPRINT_CHARS = Fingerprint.MAX_LENGTH + Fingerprint.TRUNCATED.length();

    private EventBounds() {}

    /** A problem that rejects the event. */
    private static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code r} when it is within bounds; otherwise the event adjusted (with notes) or a reject at {@code line}. */
    static ParseResult check(ParseResult r, String source, long line) {
        if (!(r instanceof ParseResult.Event e)) {
            return r;
        }
        try {
            List<String> notes = new ArrayList<>(e.notes());
            SpecificRecord checked = e.record() instanceof DbAccessEvent d
                    ? db(d, notes)
                    : e.record() instanceof EgressEvent g ? egress(g, notes) : e.record();
            return checked == e.record() && notes.size() == e.notes().size()
                    ? r
                    : new ParseResult.Event(checked, notes);
        } catch (Invalid x) {
            return new ParseResult.Reject(source, line, x.getMessage(), "");
        }
    }

    private static DbAccessEvent db(DbAccessEvent d, List<String> notes) throws Invalid {
        name("account", d.getAccount());
        name("database", d.getDatabase());
        List<String> tables = d.getTables();
        for (int i = 0; i < tables.size() && i < SqlTables.MAX_TABLES; i++) {
            name("table name", tables.get(i));
        }
        String ip = d.getClientIp();
        String host = d.getClientHost();
        if (ip != null && !InternalNetworks.isIpLiteral(ip)) {
            if (host == null && isHostName(ip)) {
                host = ip;
                notes.add("client_ip was a host name (moved to client_host)");
            } else {
                notes.add("client_ip not an IP literal (dropped)");
            }
            ip = null;
        }
        String fixedHost = label("client_host", host, MAX_LABEL_CHARS, notes);
        String session = label("session_id", d.getSessionId(), MAX_LABEL_CHARS, notes);
        String format = label("source_format", d.getSourceFormat(), MAX_SHORT_CHARS, notes);
        String fp = d.getStatementFingerprint();
        if (fp != null && fp.length() > MAX_FINGERPRINT_CHARS) {
            fp = fp.substring(0, Fingerprint.MAX_LENGTH) + Fingerprint.TRUNCATED;
            notes.add("statement_fingerprint cut at " + Fingerprint.MAX_LENGTH + " characters");
        }
        List<String> keptTables = tables;
        if (tables.size() > SqlTables.MAX_TABLES) {
            keptTables = List.copyOf(tables.subList(0, SqlTables.MAX_TABLES));
            notes.add("tables cut at " + SqlTables.MAX_TABLES);
        }
        if (same(ip, d.getClientIp())
                && same(fixedHost, d.getClientHost())
                && same(session, d.getSessionId())
                && same(format, d.getSourceFormat())
                && same(fp, d.getStatementFingerprint())
                && keptTables == tables) {
            return d;
        }
        return DbAccessEvent.newBuilder(d)
                .setClientIp(ip)
                .setClientHost(fixedHost)
                .setSessionId(session)
                .setSourceFormat(format)
                .setStatementFingerprint(fp)
                .setTables(keptTables)
                .build();
    }

    private static EgressEvent egress(EgressEvent g, List<String> notes) throws Invalid {
        ip("src_ip", g.getSrcIp());
        ip("dst_ip", g.getDstIp());
        name("account", g.getAccount());
        String src = label("src_host", g.getSrcHost(), MAX_LABEL_CHARS, notes);
        String dst = label("dst_host", g.getDstHost(), MAX_LABEL_CHARS, notes);
        String protocol = label("protocol", g.getProtocol(), MAX_SHORT_CHARS, notes);
        String format = label("source_format", g.getSourceFormat(), MAX_SHORT_CHARS, notes);
        if (same(src, g.getSrcHost())
                && same(dst, g.getDstHost())
                && same(protocol, g.getProtocol())
                && same(format, g.getSourceFormat())) {
            return g;
        }
        return EgressEvent.newBuilder(g)
                .setSrcHost(src)
                .setDstHost(dst)
                .setProtocol(protocol)
                .setSourceFormat(format)
                .build();
    }

    private static boolean same(Object a, Object b) {
        return a == b;
    }

    private static void name(String field, String value) throws Invalid {
        if (value == null) {
            return;
        }
        if (value.length() > MAX_NAME_CHARS) {
            throw new Invalid(field + " longer than " + MAX_NAME_CHARS + " characters");
        }
        if (hasControl(value)) {
            throw new Invalid(field + " contains control characters");
        }
    }

    private static void ip(String field, String value) throws Invalid {
        if (value != null && !InternalNetworks.isIpLiteral(value)) {
            throw new Invalid(field + " not an IP literal");
        }
    }

    /** {@code value} cut at {@code max} and with control characters replaced, the same instance when neither applies. */
    private static String label(String field, String value, int max, List<String> notes) {
        if (value == null) {
            return null;
        }
        String v = value;
        if (v.length() > max) {
            v = v.substring(0, max);
            notes.add(field + " cut at " + max + " characters");
        }
        if (hasControl(v)) {
            StringBuilder sb = new StringBuilder(v.length());
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                sb.append(isControl(c) ? '?' : c);
            }
            v = sb.toString();
            notes.add(field + " control characters replaced");
        }
        return v;
    }

    static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** C0/C1 controls (ANSI escapes, NUL, line breaks) and format characters (bidi overrides, zero-width joiners). */
    private static boolean isControl(char c) {
        return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT;
    }

    /** A DNS name's shape: letters, digits, hyphens, underscores and dots, at most 253 characters. */
    private static boolean isHostName(String s) {
        if (s.isEmpty() || s.length() > 253) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '-'
                    || c == '.'
                    || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
