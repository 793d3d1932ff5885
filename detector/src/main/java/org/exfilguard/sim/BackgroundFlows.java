package org.exfilguard.sim;

import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.exfilguard.schema.EgressEvent;

/**
 * A deterministic, realistic mix of background network flows (benchmarks, and {@code simulate --flows-per-read}):
 * the same seed gives the same flows. Of the flows,
 * {@value #INTERNAL_PERCENT}% stay inside the organisation, {@value #KNOWN_PERCENT}% go to known destinations
 * ({@link #KNOWN_DESTINATIONS}, a SaaS range) and the rest to the public internet: mostly to a host's few usual
 * sites, with a long tail of destinations the host never used before. A few busy hosts ({@value #BUSY_HOSTS}) carry
 * {@value #BUSY_PERCENT}% of the flows and a longer tail, so over a million flows each reaches thousands of distinct
 * external destinations, as the busiest hosts of a real estate's Zeek conn.log do in a fortnight.
 *
 * <p>Host {@code h} is {@link #host(int)}: the bench gives its account {@code h} that client address; the simulator's
 * rostered accounts use other {@code 10.x} ranges, so background hosts never share a host with a labelled scenario.
 */
public final class BackgroundFlows {

    /** The known destinations of the mix (configure them as {@code egress.known.destinations}). */
    public static final String KNOWN_DESTINATIONS = "52.96.0.0/14";

    public static final int INTERNAL_PERCENT = 60;
    public static final int KNOWN_PERCENT = 25;
    public static final int BUSY_HOSTS = 4;
    public static final int BUSY_PERCENT = 30;
    /** Hosts are {@code 10.0.x.y} to {@code 10.9.x.y}, below the simulator's rostered ranges ({@code 10.10} and up). */
    public static final int MAX_HOSTS = 10 << 16;
    /** Public sites shared by all hosts; each host uses a handful of them. */
    private static final int POPULAR_SITES = 400;

    private static final int USUAL_SITES_PER_HOST = 12;

    private final int hosts;
    private final String sourceFormat;
    private final SplittableRandom random;

    /** {@code hosts} hosts, more than {@value #BUSY_HOSTS} and at most {@value #MAX_HOSTS}; flows name {@code sourceFormat}. */
    public BackgroundFlows(int hosts, long seed, String sourceFormat) {
        if (hosts < BUSY_HOSTS + 1 || hosts > MAX_HOSTS) {
            throw new IllegalArgumentException(
                    "background hosts must be " + (BUSY_HOSTS + 1) + ".." + MAX_HOSTS + ", got " + hosts);
        }
        this.hosts = hosts;
        this.sourceFormat = sourceFormat;
        // Its own stream, so adding flows to a run does not change its reads.
        this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    /** The source address of host {@code h}. */
    public static String host(int h) {
        return "10." + ((h >> 16) & 0xff) + "." + ((h >> 8) & 0xff) + "." + (h & 0xff);
    }

    /** The next flow, at the given event time. */
    public EgressEvent next(Instant at) {
        boolean busy = random.nextInt(100) < BUSY_PERCENT;
        int h = busy ? random.nextInt(BUSY_HOSTS) : BUSY_HOSTS + random.nextInt(hosts - BUSY_HOSTS);
        int kind = random.nextInt(100);
        String dst;
        long bytesOut;
        int port = 443;
        if (kind < INTERNAL_PERCENT) {
            dst = "10.1." + random.nextInt(4) + "." + random.nextInt(256);
            port = random.nextBoolean() ? 3306 : 445;
            bytesOut = 200 + random.nextInt(20_000);
        } else if (kind < INTERNAL_PERCENT + KNOWN_PERCENT) {
            dst = "52." + (96 + random.nextInt(4)) + "." + random.nextInt(256) + "." + random.nextInt(256);
            bytesOut = 500 + random.nextInt(200_000);
        } else {
            // A new destination: a busy host's long tail is longer than an ordinary host's.
            boolean tail = random.nextInt(100) < (busy ? 12 : 3);
            if (tail) {
                dst = (100 + random.nextInt(120)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                        + random.nextInt(256);
            } else {
                int site = (int)
                        Long.remainderUnsigned(mix(h * 31L + random.nextInt(USUAL_SITES_PER_HOST)), POPULAR_SITES);
                dst = "93.184." + (site >> 8) + "." + (site & 0xff);
            }
            bytesOut = random.nextInt(50) == 0 ? 1_000_000 + random.nextInt(20_000_000) : 300 + random.nextInt(40_000);
        }
        return EgressEvent.newBuilder()
                .setEventTime(at)
                .setSrcIp(host(h))
                .setSrcHost(null)
                .setAccount(null)
                .setDstIp(dst)
                .setDstHost(null)
                .setDstPort(port)
                .setProtocol("tcp")
                .setBytesOut(bytesOut)
                .setBytesIn(bytesOut / 8)
                .setSourceFormat(sourceFormat)
                .build();
    }

    /**
     * The events with {@code perRead} of these flows after each database event, at its time: background traffic
     * whose volume follows the database's. {@code perRead} 0 gives the events unchanged.
     */
    public Iterator<SimEvent> after(Iterator<SimEvent> events, int perRead) {
        if (perRead < 0) {
            throw new IllegalArgumentException("flows per read must not be negative, got " + perRead);
        }
        return new Iterator<>() {
            private int owed;
            private Instant at;

            @Override
            public boolean hasNext() {
                return owed > 0 || events.hasNext();
            }

            @Override
            public SimEvent next() {
                if (owed > 0) {
                    owed--;
                    return new SimEvent.Egress(BackgroundFlows.this.next(at));
                }
                if (!events.hasNext()) {
                    throw new NoSuchElementException();
                }
                SimEvent e = events.next();
                if (e instanceof SimEvent.Db) {
                    owed = perRead;
                    at = e.time();
                }
                return e;
            }
        };
    }

    /** SplitMix64's finaliser. */
    private static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
