package org.exfilguard.ingest;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a postgres {@code log_line_prefix} says about a line, whatever its layout: user, database, client and the
 * backend session. Recognised forms: {@code user=%u}, {@code db=%d}, {@code client=%h} (also {@code host=},
 * {@code remote=}), {@code %u@%d}, RDS's {@code %r} ({@code 10.0.0.7(54321)}), the process id as {@code [%p]} with
 * or without a colon (also syslog's {@code postgres[%p]:} and {@code pid=%p}), and the session id {@code %c}.
 *
 * @param pid       the backend process id ({@code %p}), or null
 * @param sessionId the session id ({@code %c}, {@code 65e6f1a2.1440}), or null
 */
record LogLinePrefix(String user, String db, String client, String pid, String sessionId) {

    private static final Pattern USER = Pattern.compile("\\buser=([^,\\s]*)");
    private static final Pattern DB = Pattern.compile("\\bdb=([^,\\s]*)");
    private static final Pattern CLIENT = Pattern.compile("\\b(?:client|host|remote)=([^,\\s(]*)");
    // '%u@%d' (Debian's '%m [%p] %q%u@%d ', RDS's ':%u@%d:'); a bracket is only allowed as '[unknown]'.
    private static final Pattern USER_AT_DB = Pattern.compile(
            "(?:^|[\\s:])(\\[unknown]|[^\\s@:\\[\\],=()]+)@(\\[unknown]|[^\\s@:\\[\\],=()]+)(?=$|[\\s:,])");
    // RDS's '%r': host(port).
    private static final Pattern REMOTE_WITH_PORT =
            Pattern.compile("(?:^|[\\s:])(\\[local]|[A-Za-z0-9_.-]+)\\(\\d{1,5}\\)(?=$|[\\s:,])");
    // '%p' prints no leading zero, which tells it from '%e' ('[00000]'); '[%l-1]' has a dash.
    private static final Pattern PID = Pattern.compile("\\[([1-9]\\d{0,9})]|\\bpid=([1-9]\\d{0,9})\\b");
    // '%c' is '%lx.%x' of the backend start time and pid: eight or nine hex digits for any start after 1978.
    private static final Pattern SESSION_ID =
            Pattern.compile("(?:^|(?<=[\\s\\[:(]))([0-9a-f]{8,9}\\.[0-9a-f]{1,8})(?=$|[\\s\\]:),])");

    /** The fields of {@code prefix}, the text before {@code AUDIT: }. */
    static LogLinePrefix parse(String prefix) {
        String user = find(USER, prefix);
        String db = find(DB, prefix);
        if (user == null && db == null) {
            Matcher m = USER_AT_DB.matcher(prefix);
            if (m.find()) {
                user = known(m.group(1));
                db = known(m.group(2));
            }
        }
        String client = find(CLIENT, prefix);
        if (client == null) {
            client = find(REMOTE_WITH_PORT, prefix);
        }
        String pid = null;
        Matcher p = PID.matcher(prefix);
        if (p.find()) {
            pid = p.group(1) != null ? p.group(1) : p.group(2);
        }
        return new LogLinePrefix(user, db, client, pid, find(SESSION_ID, prefix));
    }

    /**
     * The key of the backend session: lines with different keys are never one statement. The session id is preferred
     * (a pid is reused by later sessions). Null when the prefix names no session.
     */
    String sessionKey() {
        return sessionId != null ? "c:" + sessionId : pid != null ? "p:" + pid : null;
    }

    /** The session as the event carries it: the session id, else the pid. */
    String eventSessionId() {
        return sessionId != null ? sessionId : pid;
    }

    private static String find(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.find() ? known(m.group(1)) : null;
    }

    private static String known(String v) {
        return v == null || v.isEmpty() || v.equals("[unknown]") ? null : v;
    }
}
