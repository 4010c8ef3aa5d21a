/**
 * PostgreSQL, and the only package that knows it. Everything else asks the store in the words of the domain.
 *
 * <h2>The persistence rule</h2>
 * <ul>
 *   <li><b>Panache repositories</b> ({@code *Repository}, entities) for the rows the API reads and changes one at a
 *       time: users, tokens, session revocations, audit events. A service runs them inside {@link io.patgate.store.Transactions}
 *       ({@code write} for a change and its audit event, {@code read} for queries) and takes row locks through the
 *       repositories' {@code ...ForUpdate} methods.</li>
 *   <li><b>The reactive {@code Pool}, plain SQL,</b> for what Panache cannot say well: one-snapshot loads of the whole
 *       state and the change feed ({@link io.patgate.replica.IdentityStateLoader}), the heartbeat ({@link io.patgate.replica.Heartbeat}),
 *       batched upserts ({@link io.patgate.store.TokenUsageWriter}, {@code AuditEventRepository.appendAll}), advisory locks
 *       ({@link io.patgate.store.AdminBootstrapStore}, {@link io.patgate.store.SigningKeyStore}) and the audit log's pruning.
 *       Such a method owns its transaction; an audit event that belongs to it is written on its connection.</li>
 *   <li><b>pgjdbc's replication API</b> for the change feed's doorbell, a logical replication slot per replica
 *       ({@link io.patgate.replica.LogicalFeed}), on a thread of its own.</li>
 *   <li>Either way, a change is published to the in-memory state only after its commit, by the service that made it;
 *       the other replicas learn it from the change feed.</li>
 * </ul>
 * The state feed (the one-snapshot loads of the whole state, the change feed, {@code LISTEN}) lives beside it in
 * {@code io.patgate.replica} on the same client. The architecture test holds the line: no SQL, Panache or JPA type
 * outside these two packages.
 */
package io.patgate.store;
