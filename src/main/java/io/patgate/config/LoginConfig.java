package io.patgate.config;

import io.smallrye.config.WithDefault;
import java.util.List;

/** The {@code patgate.login.*} settings, a group of {@link PatgateConfig}. */
public interface LoginConfig {
    /**
     * Whether people may sign in with a password ({@code PATGATE_LOGIN_PASSWORDS}). {@code false}, once single sign-on
     * works: password sign-in is refused (403) except for the break-glass accounts below.
     */
    @WithDefault("true")
    boolean passwords();

    /**
     * Local (password) accounts that keep password sign-in when {@link #passwords()} is {@code false}: the way in while
     * the provider is down or misconfigured. Default the first admin. Set it to a name no account has (say {@code none})
     * to have none.
     */
    @WithDefault("admin")
    List<String> breakGlassUsers();

    /** Failed logins allowed per username and per client address (an IPv6 client by its /64) within {@link #window()}. */
    @WithDefault("10")
    int allowedFailures();

    /** The window the failures are counted in. */
    @WithDefault("15M")
    java.time.Duration window();

    /**
     * The longest a username is locked at a time once past the allowance (each further failure doubles the
     * wait: 1, 2, 4... seconds). Short, so that failing on purpose cannot lock a real user out for long.
     */
    @WithDefault("1M")
    java.time.Duration maxUserLock();

    /** The longest a client address is locked at a time once past the allowance. */
    @WithDefault("15M")
    java.time.Duration maxAddressLock();

    /** Usernames and addresses tracked per replica at most (each table); the least used are forgotten first. */
    @WithDefault("100000")
    int maxTracked();
}
