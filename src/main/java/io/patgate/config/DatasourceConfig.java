package io.patgate.config;

import java.util.Optional;

/** Where the change-feed rounds and cold token reads go, beside the primary ({@code quarkus.datasource.*}). */
public interface DatasourceConfig {
    /**
     * A reactive URL ({@code postgresql://host:port/db}) of one hot standby, near this replica, for the rounds
     * and cold reads; the primary's credentials are used unless the URL carries its own. Unset: the primary. A
     * token the standby does not know yet is looked up on the primary before it is refused.
     */
    Optional<String> readUrl();
}
