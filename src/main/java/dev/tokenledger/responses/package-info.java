/**
 * Responses stored for clients of the Responses API ({@code store}, {@code previous_response_id},
 * {@code GET/DELETE /v1/responses/{id}}) when the gateway translated the request: kept in PostgreSQL per tenant with
 * an expiry, so that every replica reads them and a restart keeps them. The rows hold the client format's JSON as
 * opaque text; what it means is the edge's business.
 */
package dev.tokenledger.responses;
