package io.patgate.store;

import io.vertx.pgclient.PgException;

/** Reads PostgreSQL's answer out of whatever Hibernate Reactive wrapped it in. */
public final class Constraints {

    private Constraints() {}

    /** SQLSTATE 23505: a unique index refused the row. */
    public static boolean isUniqueViolation(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
                return true;
            }
            if (t instanceof org.hibernate.exception.ConstraintViolationException c
                    && c.getKind() == org.hibernate.exception.ConstraintViolationException.ConstraintKind.UNIQUE) {
                return true;
            }
        }
        return false;
    }
}
