package dev.tokenledger.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** Admission: rate limits, token quotas and budget holds, enforced across replicas through Redis. */
public interface AdmissionConfig {

    /** Turns admission off entirely (no Redis calls, no limits enforced). */
    @WithDefault("true")
    boolean enabled();

    /**
     * Longest time a budget hold, a concurrency slot or a token reservation lives without being settled. It must cover
     * the longest request (streams included); a crashed replica's holds are released after it.
     */
    @WithDefault("10m")
    Duration holdTtl();

    /**
     * How long Redis remembers that a request was settled, so that a second settlement of it changes nothing (a retry,
     * or the orphan reconciliation racing the original). Redis keeps one small key per request for this long: about
     * 150 bytes, so a day at 1,000 requests a second would hold 13 GB. It must cover the hold TTL and two
     * reconciliation rounds (checked at start). A settlement kept while Redis was unreachable for longer than this may
     * count twice if its first attempt had reached Redis: the counter runs ahead (refuses early, never overspends) and
     * the drift check shows it.
     */
    @WithDefault("1h")
    Duration settledTtl();

    /**
     * How often one replica reconciles orphaned requests (holds that expired unsettled because their replica died)
     * with the ledger, posting what they used.
     */
    @WithDefault("30s")
    Duration orphansInterval();

    /**
     * How often one replica compares every budget's and token quota's Redis counter with the ledger's total for the
     * window (metric {@code tokenledger_limit_drift}); a difference beyond the tolerance in two rounds running is
     * logged as a warning and counted.
     */
    @WithDefault("5m")
    Duration driftInterval();

    /** Difference between Redis and the ledger tolerated by the drift check: micro-USD for budgets, tokens for quotas. */
    @WithDefault("10000")
    long driftTolerance();

    /**
     * How long Redis may stay silent while a request waits for it before Redis counts as down: time our own event loop
     * was busy does not count, nor time a command waits behind others while Redis keeps answering (a burst is not an
     * outage). A request waits at most 20 times this (at least 5 s) for its own answer. An admission given up this way
     * is released in Redis (its hold voided, its concurrency slot freed) whenever Redis ran it.
     */
    @WithDefault("250ms")
    Duration redisTimeout();

    /**
     * How long a concurrency slot lives unless renewed. The replica running the request renews it every third of this;
     * the slots of a replica that crashed, or of an admission whose answer never came, are free after at most this.
     */
    @WithDefault("15s")
    Duration slotTtl();

    /** After a Redis failure, how long requests use the local fallback before Redis is tried again. */
    @WithDefault("1s")
    Duration redisRetryAfter();

    /** How often the limits are reloaded from PostgreSQL (changes made through another replica). */
    @WithDefault("5s")
    Duration limitsRefresh();

    /** Output tokens reserved for a request that sets no max tokens of its own. */
    @WithDefault("4096")
    int defaultMaxOutputTokens();

    /**
     * Replicas assumed when Redis is down and no heartbeat was ever seen: each replica then enforces rate limits at
     * this share of the global limit. While Redis is up, replicas count each other through heartbeats instead.
     */
    @WithDefault("1")
    int expectedReplicas();

    /** Time zone of calendar budget windows and daily/monthly token quotas, unless a budget names its own. */
    @WithDefault("UTC")
    String timezone();

    /**
     * Safety factors on the prompt estimate in budget holds and token reservations, by the tokenizer family of the
     * deployment's provider type. The gateway counts prompts with {@code o200k_base}; other tokenizers count more
     * tokens for the same text, and a hold must stay above what the provider will bill.
     */
    PromptFactors promptFactors();

    /** Adaptive pacing toward upstream deployments that answer 429 or say they are nearly exhausted. */
    Adaptive adaptive();

    /** Capacity leases: each replica admits locally from chunks of a limit it leased from Redis. */
    Leases leases();

    /**
     * Capacity leases (docs/limits-and-budgets.md, "Leases"). A lease is at most the limit's free capacity divided by
     * four times the live replicas, and none below {@code min-requests} requests' worth: near a limit (and for small
     * limits) every request is checked in Redis as without leases.
     */
    interface Leases {
        /**
         * Turns leases on (docs/limits-and-budgets.md, "Leases"); off, every governed request is checked in Redis.
         */
        @WithDefault("true")
        boolean enabled();

        /** How long a lease serves unused before its replica gives it back; Redis charges an unrenewed one after 3x. */
        @WithDefault("2s")
        Duration ttl();

        /**
         * How often the lease timer looks for leases to renew (each once a {@code ttl}, posting what it used), to give
         * back or to close; usage is also posted with every call that grows a lease.
         */
        @WithDefault("500ms")
        Duration flushInterval();

        /** The least lease worth taking, in requests' worth of the request that asks for it. */
        @WithDefault("8")
        int minRequests();

        /** The largest lease, in requests' worth of the request that asks for it. */
        @WithDefault("2000")
        int maxRequests();
    }

    /**
     * Prompt-estimate safety factors per tokenizer family (a value below 1 counts as 1). The defaults are measured on a
     * mixed-language sample (docs/request-ids-and-holds.md).
     */
    interface PromptFactors {
        /** OpenAI and Azure OpenAI deployments: the estimate uses their own tokenizer. */
        @WithDefault("1.0")
        BigDecimal openai();

        /** Anthropic deployments: Claude's tokenizer counted 1.62 times o200k on the sample. */
        @WithDefault("1.65")
        BigDecimal anthropic();

        /** Gemini deployments: Gemini's tokenizer counted 1.06 times o200k on the sample, up to 1.39 on a line. */
        @WithDefault("1.4")
        BigDecimal gemini();

        /** Every other provider type (Ollama, LM Studio, ...): tokenizers of their own, not measured. */
        @WithDefault("1.65")
        BigDecimal other();
    }

    /** Soft budget alerts. */
    Alerts alerts();

    /** What budgets do with requests whose price is unknown (a model without a catalogue price). */
    Unpriced unpriced();

    /** What a budget does with a request whose price is unknown. */
    enum UnpricedPolicy {
        /** Refuse the request (a budget cannot hold what it cannot price). */
        REFUSE,
        /** Hold and charge it at the fallback prices (input and output per million tokens). */
        FALLBACK,
        /** Admit it and charge nothing, counting it in {@code tokenledger_budget_unpriced_total} and the log. */
        ZERO
    }

    /**
     * Unpriced requests under budgets. Whenever either policy is {@code fallback}, unpriced usage is charged to budgets
     * at the fallback prices (also when counters are re-seeded from the ledger, whose rows stay unpriced).
     */
    interface Unpriced {
        /** Policy under hard budgets. */
        @WithDefault("refuse")
        UnpricedPolicy hard();

        /** Policy under soft budgets. */
        @WithDefault("zero")
        UnpricedPolicy soft();

        /** Fallback price of input tokens, USD per million; required when a policy is {@code fallback}. */
        Optional<BigDecimal> fallbackInputPerMtok();

        /** Fallback price of output tokens, USD per million; required when a policy is {@code fallback}. */
        Optional<BigDecimal> fallbackOutputPerMtok();
    }

    /** Adaptive pacing (additive increase, multiplicative decrease) toward rate-limited deployments. */
    interface Adaptive {
        /**
         * Whether upstream 429s (and rate-limit headers saying the upstream is nearly exhausted) lower the gateway's own
         * admission rate toward that deployment.
         */
        @WithDefault("true")
        boolean enabled();

        /** Factor applied to the learned rate on an upstream 429 or exhaustion signal (at most once per second). */
        @WithDefault("0.5")
        BigDecimal decrease();

        /** Requests per second added to the learned rate for every successful request. */
        @WithDefault("0.2")
        BigDecimal increase();

        /** Lowest learned rate, requests per second. */
        @WithDefault("1")
        BigDecimal minRate();

        /** Rate assumed at the first 429 when nothing was observed, requests per second. */
        @WithDefault("10")
        BigDecimal initialRate();

        /** A deployment that has not answered 429 (nor said it is nearly exhausted) for this long is no longer paced. */
        @WithDefault("60s")
        Duration forgetAfter();

        /**
         * Fraction of an upstream's request or token limit (0 to 1) at or below which what remains, as its rate-limit
         * headers say, counts like a 429: the learned rate is cut. An upstream that says nothing remains is cut
         * whatever this fraction; one that sends what remains without its limit (Azure OpenAI) only then.
         */
        @WithDefault("0.05")
        BigDecimal headerThreshold();
    }

    /** Soft budget alerts. */
    interface Alerts {
        /** Webhook that receives a JSON POST when a scope crosses its budget's soft threshold. */
        Optional<String> webhookUrl();

        /** Attempts per alert. */
        @WithDefault("3")
        int attempts();

        /** Wait before the first retry; doubled for each further one. */
        @WithDefault("500ms")
        Duration backoff();
    }
}
