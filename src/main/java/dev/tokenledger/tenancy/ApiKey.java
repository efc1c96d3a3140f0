package dev.tokenledger.tenancy;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A virtual key. The key itself is never stored: only its HMAC. */
@Entity
@Table(name = "api_key")
public class ApiKey extends PanacheEntityBase {

    /** Lifecycle states. */
    public static final String ACTIVE = "active";
    public static final String DISABLED = "disabled";
    public static final String REVOKED = "revoked";

    @Id
    public UUID id;

    @Column(name = "team_id", nullable = false)
    public UUID teamId;

    @Column(nullable = false)
    public String name;

    @Column(name = "key_hash", nullable = false, unique = true)
    public String keyHash;

    @Column(name = "pepper_version", nullable = false)
    public int pepperVersion;

    @Column(name = "key_prefix", nullable = false)
    public String keyPrefix;

    @Column(name = "key_last4", nullable = false)
    public String keyLast4;

    /** Allowed models: aliases, {@code provider/model} routes, or patterns with {@code *}; empty allows every model. */
    @Convert(converter = StringListConverter.class)
    @Column(nullable = false)
    public List<String> models;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> metadata;

    @Column(nullable = false)
    public String status;

    @Column(name = "expires_at")
    public OffsetDateTime expiresAt;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "revoked_at")
    public OffsetDateTime revokedAt;

    @Column(name = "rotated_from")
    public UUID rotatedFrom;
}
