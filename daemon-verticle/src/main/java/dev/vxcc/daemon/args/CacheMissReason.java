package dev.vxcc.daemon.args;

/**
 * Why the shared cache did not answer a remote task, the other half of {@link LocalReason}'s
 * vocabulary: a miss makes a compile go to a servant, not local, so it is counted apart.
 * {@link #code()} is stable and used in logs and stats.
 */
public enum CacheMissReason {
    NOT_READ("not-read", "VXCC_CACHE_CONTROL is 0 (cache off) or 2 (fill only)"),
    READS_CLOCK("reads-clock", "the source uses __DATE__, __TIME__ or __TIMESTAMP__: never cached"),
    NO_ENTRY("no-entry", "no entry under this task's key (or no cache reachable)"),
    UNREADABLE_ENTRY("unreadable-entry", "an entry was there but could not be read or decoded");

    private final String code;
    private final String description;

    CacheMissReason(String code, String description) {
        this.code = code;
        this.description = description;
    }

    public String code() {
        return code;
    }

    public String description() {
        return description;
    }
}
