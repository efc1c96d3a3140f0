package dev.tokenledger.admission.settlement;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Response;

import dev.tokenledger.admission.limits.AdmissionMetrics;
import dev.tokenledger.admission.limits.Check;
import dev.tokenledger.admission.limits.Demand;
import dev.tokenledger.admission.limits.Limit;
import dev.tokenledger.admission.limits.Plans;
import dev.tokenledger.admission.limits.Ticket;
import dev.tokenledger.admission.limits.UnpricedCharges;
import dev.tokenledger.admission.redis.CapacityLeases;
import dev.tokenledger.admission.redis.RedisScripts;
import dev.tokenledger.admission.redis.RedisState;
import dev.tokenledger.config.AdmissionConfig;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.usage.UsageRecord;

/**
 * Settles a request's reservation to what it used, once its usage is recorded: holds are replaced by the actual
 * tokens and cost, concurrency slots freed, the tokens-per-minute bucket corrected, the pace of the deployment adapted
 * (cut when it answered 429 or its rate-limit headers say it is nearly exhausted). Off the response path and idempotent
 * by request id: the settlements of one event-loop turn (a ledger batch becoming durable) go to Redis together, in one
 * write. Settlements Redis cannot take now (and usage admitted by the local fallback) are kept and posted when Redis
 * answers again.
 */
@ApplicationScoped
public class Settlement {

    private static final int MAX_PENDING = 100_000;

    private final InFlight inFlight;
    private final RedisScripts scripts;
    private final RedisState redis;
    private final Pacing pacing;
    private final AdmissionMetrics metrics;
    private final BudgetAlerts alerts;
    private final GatewayConfig config;
    private final Vertx vertx;
    private final UnpricedCharges unpriced;
    private final CapacityLeases leases;

    @Inject
    public Settlement(InFlight inFlight, RedisScripts scripts, RedisState redis, Pacing pacing, AdmissionMetrics metrics,
            BudgetAlerts alerts, GatewayConfig config, Vertx vertx, UnpricedCharges unpriced, CapacityLeases leases) {
        this.inFlight = inFlight;
        this.scripts = scripts;
        this.redis = redis;
        this.pacing = pacing;
        this.metrics = metrics;
        this.alerts = alerts;
        this.config = config;
        this.vertx = vertx;
        this.unpriced = unpriced;
        this.leases = leases;
    }

    private final ConcurrentLinkedQueue<Call> pending = new ConcurrentLinkedQueue<>();
    /** Each event loop's settlements of its current turn. */
    private final ThreadLocal<List<Call>> outbox = ThreadLocal.withInitial(ArrayList::new);
    private final AtomicInteger pendingCount = new AtomicInteger();
    private long timer = -1;

    /** One settle call: the ticket and its keys and arguments. */
    public record Call(Ticket ticket, List<Check> ops, List<String> keys,
            List<String> args) implements RedisScripts.Invocation {
    }

    @PostConstruct
    void init() {
        check(config.admission());
    }

    /**
     * Refuses a settled TTL shorter than a hold can live plus two reconciliation rounds: an orphan's late settlement
     * could then count a request its replica settled already.
     */
    public static void check(AdmissionConfig admission) {
        Duration least = admission.holdTtl().plus(admission.orphansInterval().multipliedBy(2))
                .plusMinutes(1);
        if (admission.slotTtl().compareTo(Duration.ofSeconds(3)) < 0
                || admission.slotTtl().compareTo(admission.holdTtl()) > 0) {
            throw new IllegalStateException("tokenledger.admission.slot-ttl must be at least 3s and at most hold-ttl "
                    + "(got " + admission.slotTtl() + ")");
        }
        if (admission.settledTtl().compareTo(least) < 0) {
            throw new IllegalStateException("tokenledger.admission.settled-ttl must be at least hold-ttl + 2 x "
                    + "orphans-interval + 1m (" + least + "; got " + admission.settledTtl() + ")");
        }
    }

    void onStart(@Observes StartupEvent event) {
        metrics.gauge("tokenledger.admission.holds", "Requests admitted and not yet settled on this replica",
                inFlight::size);
        metrics.gauge("tokenledger.admission.settlements.pending", "Settlements waiting for Redis to answer again",
                pendingCount::get);
        timer = vertx.setPeriodic(1000, 1000, id -> retry());
    }

    void onStop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    /**
     * Settles a request whose usage record is durable.
     *
     * @param transaction the PostgreSQL transaction that committed its row to the ledger, 0 when that is not known (the
     *        row was spooled, or the database already had it): a counter re-seeded from a read of the ledger that saw
     *        that transaction already holds the row
     */
    public void settle(UsageRecord record, long transaction) {
        Ticket ticket = inFlight.take(record.requestId());
        String signalled = pacing.signalled(record);
        boolean admittedOne = signalled != null && ticket != null && signalled.equals(ticket.demand().deployment());
        if (signalled != null && !admittedOne) {
            // an unlimited principal's request, or one a fallback deployment answered: still teach that one's pace
            post(paceOnly(record, signalled));
        }
        long micros = record.priced().priced() ? record.priced().cost().micros() : unpriced.micros(record.usage());
        if (ticket == null) {
            // admitted from this replica's leases: posted with their next batch
            leases.settle(record.requestId(), record.usage().totalTokens(), micros);
            return;
        }
        if (!record.priced().priced() && hasBudget(ticket)) {
            metrics.unpricedCharged(unpriced.fallback() ? "fallback" : "zero");
        }
        Call call = call(ticket, record.usage().totalTokens(), micros, admittedOne, transaction);
        if (call.ops().isEmpty()) {
            return;
        }
        if (ticket.local()) {
            enqueue(call);
        } else {
            post(call);
        }
    }

    private static boolean hasBudget(Ticket ticket) {
        return ticket.checks().stream().anyMatch(c -> c.type() == Limit.BUDGET);
    }

    /** A settlement that only cuts a deployment's pace, under a request id of its own (the request may settle too). */
    private Call paceOnly(UsageRecord record, String deployment) {
        Demand demand = new Demand(record.requestId() + ":pace", record.principal(), record.requestedModel(), 0, null,
                deployment);
        return call(new Ticket(demand, Plans.tag(record.principal().orgId()), List.of(Plans.pace(deployment)), false), 0,
                0, true, 0);
    }

    /**
     * Posts what a request used after its holds expired unsettled (its replica died after its ledger row was durable):
     * the use is added, once, whether this or the original settlement comes first, unless a counter was re-seeded from
     * a ledger read that saw {@code transaction}, the one that wrote the row.
     */
    public Uni<Void> late(Ticket ticket, long tokens, long micros, long transaction) {
        Call call = call(ticket.asLocal(), tokens, micros, false, transaction);
        return call.ops().isEmpty() ? Uni.createFrom().voidItem() : send(call);
    }

    /** Releases the reservation of a request that failed before its usage was recorded (nothing was used). */
    public void release(String requestId) {
        Ticket ticket = inFlight.take(requestId);
        if (ticket == null) {
            leases.settle(requestId, 0, 0);
        } else {
            Call call = call(ticket, 0, 0, false, 0);
            if (ticket.local()) {
                return;
            }
            post(call);
        }
    }

    /**
     * Releases what an admission may have reserved when its answer never came (Redis silent or the connection lost):
     * its holds and concurrency slots, whether the script ran before, runs later, or never. It is kept until Redis
     * takes it, under the admission's void marker (not its settlement's: a request then served by the local fallback
     * still settles what it used), which also makes the admission script refuse the request should it run after this.
     * Rates and token reservations stay taken: a request that was not served counts against them, never for them.
     */
    public void abandon(Ticket ticket) {
        List<Check> held = ticket.checks().stream().filter(c -> c.type() == Limit.PARALLEL || c.type().counted())
                .toList();
        if (held.isEmpty()) {
            return;
        }
        Call call = call(new Ticket(ticket.demand(), ticket.tag(), held, false), 0, 0, false, 0);
        call.keys().set(0, ticket.voidKey());
        enqueue(call);
    }

    /**
     * @param transaction the PostgreSQL transaction that committed this request's ledger row (0: not known, or nothing
     *        is used): a counter seeded from a read of the ledger that saw it already holds the use, which is then not
     *        added again
     */
    private Call call(Ticket ticket, long tokens, long micros, boolean throttled, long transaction) {
        List<Check> ops = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        keys.add(ticket.doneKey());
        var adaptive = config.admission().adaptive();
        args.add(ticket.demand().requestId());
        args.add(String.valueOf(config.admission().settledTtl().toMillis()));
        args.add("0");
        args.add(milli(adaptive.initialRate()));
        args.add(String.valueOf(adaptive.forgetAfter().toMillis()));
        args.add(String.valueOf(transaction));
        for (Check check : ticket.checks()) {
            if (ticket.local() && !check.type().counted()) {
                continue;
            }
            long held = ticket.local() ? 0 : check.amount();
            String[] op = switch (check.type()) {
                case DAILY_TOKENS, MONTHLY_TOKENS -> new String[]{"q", String.valueOf(held), String.valueOf(tokens), "0",
                        "0"};
                case BUDGET -> {
                    String alertKey = "0";
                    if (check.softMicros() > 0) {
                        keys.add(ticket.tag() + "alert:" + check.label() + ":" + check.window().id());
                        alertKey = String.valueOf(keys.size());
                    }
                    yield new String[]{"q", String.valueOf(held), String.valueOf(micros),
                            String.valueOf(check.softMicros()), alertKey};
                }
                case TPM -> new String[]{"g", check.interval(), String.valueOf(held), String.valueOf(tokens), "0"};
                case PARALLEL -> new String[]{"c", "0", "0", "0", "0"};
                case PACE -> new String[]{"p", throttled ? "1" : "0", String.valueOf(adaptive.decrease()
                        .multiply(BigDecimal.valueOf(1000)).longValue()), milli(adaptive.increase()),
                        milli(adaptive.minRate())};
                case RPM -> null;
            };
            if (op == null) {
                continue;
            }
            keys.add(check.key());
            args.add(op[0]);
            args.add(String.valueOf(keys.size()));
            for (int i = 1; i < op.length; i++) {
                args.add(op[i]);
            }
            ops.add(check);
        }
        args.set(2, String.valueOf(ops.size()));
        return new Call(ticket, ops, keys, args);
    }

    private static String milli(BigDecimal perSecond) {
        return String.valueOf(perSecond.multiply(BigDecimal.valueOf(1000)).longValue());
    }

    /**
     * Queues a settlement to leave at the end of this event-loop turn, with the others of the turn, on this loop's
     * Redis connection. Off the event loops it leaves at once.
     */
    private void post(Call call) {
        Context context = Context.isOnEventLoopThread() ? io.vertx.core.Vertx.currentContext() : null;
        if (context == null) {
            send(call).subscribe().with(ok -> {
            }, failure -> {
            });
            return;
        }
        List<Call> queued = outbox.get();
        queued.add(call);
        if (queued.size() == 1) {
            context.runOnContext(v -> flush(queued));
        }
    }

    /** Sends a turn's settlements: one pipelined write; if that fails, each on its own (settling is idempotent). */
    private void flush(List<Call> queued) {
        List<Call> batch = List.copyOf(queued);
        queued.clear();
        if (batch.size() == 1) {
            send(batch.get(0)).subscribe().with(ok -> {
            }, failure -> {
            });
            return;
        }
        scripts.runAll(RedisScripts.SETTLE, batch).subscribe().with(answers -> {
            redis.answered();
            for (int i = 0; i < batch.size(); i++) {
                settled(batch.get(i), answers.get(i));
            }
        }, failure -> {
            for (Call c : batch) {
                send(c).subscribe().with(ok -> {
                }, f -> {
                });
            }
        });
    }

    private Uni<Void> send(Call call) {
        return scripts.run(RedisScripts.SETTLE, call.keys(), call.args())
                .invoke(r -> {
                    redis.answered();
                    settled(call, r);
                })
                .onFailure().invoke(failure -> {
                    redis.failed(failure);
                    enqueue(call);
                })
                .replaceWithVoid();
    }

    private void settled(Call call, Response r) {
        if (!"OK".equals(r.get(0).toString())) {
            return; // settled before: nothing changes
        }
        int at = 1;
        for (Check check : call.ops()) {
            switch (check.type()) {
                case DAILY_TOKENS, MONTHLY_TOKENS -> at += 2;
                case BUDGET -> {
                    long spent = r.get(at).toLong();
                    boolean fired = "1".equals(r.get(at + 1).toString());
                    at += 2;
                    metrics.budget(check.label(), check.limit(), check.limit() - spent);
                    if (fired) {
                        alerts.crossed(check, spent);
                    }
                }
                case PACE -> pacing.learned(call.ticket().demand().deployment(), r.get(at++).toLong());
                default -> {
                }
            }
        }
    }

    private void enqueue(Call call) {
        if (pendingCount.incrementAndGet() > MAX_PENDING) {
            pendingCount.decrementAndGet();
            Log.errorf("Settlement of request %s dropped: %d settlements already wait for Redis; its counters are "
                    + "corrected when they are re-seeded from the ledger", call.ticket().demand().requestId(), MAX_PENDING);
            return;
        }
        pending.add(call);
    }

    /** Posts the waiting settlements once Redis answers again, oldest first. */
    private void retry() {
        if (pending.isEmpty() || !redis.up()) {
            return;
        }
        List<Call> batch = new ArrayList<>();
        Call call;
        while (batch.size() < 1000 && (call = pending.poll()) != null) {
            batch.add(call);
        }
        pendingCount.addAndGet(-batch.size());
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Call c : batch) {
            chain = chain.chain(() -> {
                if (!redis.up()) {
                    enqueue(c);
                    return Uni.createFrom().voidItem();
                }
                return send(c).onFailure().recoverWithNull();
            });
        }
        chain.subscribe().with(ok -> {
        }, failure -> Log.debugf("Settlement retry deferred: %s", failure.getMessage()));
    }
}
