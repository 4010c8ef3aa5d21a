package io.patgate.config;

import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** The {@code patgate.notices.*} settings, a group of {@link PatgateConfig}. */
public interface NoticesConfig {
    /** Days before expiry at which {@code token.expiring} is raised, each at most once per expiry. */
    @WithDefault("30,7,1")
    List<Integer> expiringDays();

    /**
     * The {@code From} address of notice emails. Unset (the default): no email is sent. Set it with the SMTP
     * server ({@code QUARKUS_MAILER_HOST}, {@code _PORT}, {@code _USERNAME}, {@code _PASSWORD}, {@code _TLS}).
     */
    Optional<String> emailFrom();

    /** Of the expiring notices, those also emailed to the owner (days before expiry). */
    @WithDefault("7,1")
    List<Integer> emailExpiringDays();

    /** How often one replica looks for tokens that are expiring, expired or unused (time-based notices). */
    @WithDefault("1M")
    java.time.Duration scanInterval();

    /**
     * How long notices and their delivery history are kept. The notices, deliveries and recorded networks of a token
     * revoked or expired longer ago than this go too, whatever is still pending for them.
     */
    @WithDefault("P30D")
    java.time.Duration retention();

    /**
     * The address people reach patgate's web page at, such as {@code https://patgate.example.com}: the links in
     * confirmation mails point there. Never taken from a request's {@code Host}. Unset: no mail is sent.
     */
    Optional<String> publicUrl();

    /** How long the link of a confirmation mail works (once). */
    @WithDefault("24H")
    java.time.Duration confirmationLinkLifetime();

    /**
     * Confirmation mails a day, at most, per account and per recipient address (a recipient counted without any
     * {@code +tag} and case): setting someone's address again and again cannot bomb them with mail.
     */
    @WithDefault("3")
    int confirmationMailsPerDay();

    /** Mails of any kind a recipient address gets in a day, at most (counted across replicas); further notices are not mailed. */
    @WithDefault("50")
    int mailsPerRecipientPerDay();

    /**
     * Routine notices raised per account and hour, at most, for each kind: revocations by the owner themselves,
     * and first uses from a new network. Beyond that they are dropped, with one audit event
     * ({@code notice.limited}) per account, kind and hour. Security notices (leak reports, revocations by an admin
     * or after a leak) are never dropped.
     */
    @WithDefault("20")
    int routinePerUserPerHour();

    /** Networks remembered per token, at most; beyond that, those seen longest ago are forgotten first. */
    @WithDefault("50")
    int maxNetworksPerToken();
}
