package dev.tokenledger.routing;

import java.util.ArrayDeque;
import java.util.concurrent.Flow;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.provider.UpstreamStream;
import dev.tokenledger.wire.StreamRelay;

/**
 * The commit point of a stream: reads an upstream stream until its first event, so that a stream that fails before it
 * (a reset, an empty body, an error before any generated text, malformed framing) fails the attempt while nothing
 * has reached the client, and can be retried elsewhere. Once the first event is there, the stream is handed on whole: the chunks read so far
 * are replayed, then the rest flows with the client's back-pressure.
 */
public final class FirstEvent implements Flow.Subscriber<byte[]>, Flow.Subscription {

    private final UpstreamStream upstream;
    private final StreamRelay probe;
    private final UniEmitter<? super UpstreamStream> emitter;
    private final ArrayDeque<byte[]> replay = new ArrayDeque<>();
    private Flow.Subscription subscription;
    private Flow.Subscriber<? super byte[]> downstream;
    private boolean handedOver;
    private boolean completed;
    private Throwable failed;
    private boolean terminated;
    private long demand;
    private long outstanding;

    private FirstEvent(UpstreamStream upstream, StreamRelay probe, UniEmitter<? super UpstreamStream> emitter) {
        this.upstream = upstream;
        this.probe = probe;
        this.emitter = emitter;
    }

    /**
     * @param probe a fresh relay of the stream's format, used only to recognise the first event and early errors
     * @return the same stream, once its first event arrived; fails with the upstream's error before that
     */
    public static Uni<UpstreamStream> await(UpstreamStream upstream, StreamRelay probe) {
        return Uni.createFrom().emitter(emitter -> {
            FirstEvent peek = new FirstEvent(upstream, probe, emitter);
            emitter.onTermination(peek::abandonIfUndecided);
            upstream.body().subscribe().withSubscriber(peek);
        });
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(byte[] chunk) {
        synchronized (this) {
            if (handedOver) {
                demand--;
                outstanding--;
                downstream.onNext(chunk);
                return;
            }
            replay.add(chunk);
        }
        byte[] out;
        try {
            out = probe.onUpstreamBytes(chunk);
        } catch (GatewayError e) {
            fail(e);
            return;
        }
        if (probe.upstreamError() != null && probe.generatedText().isEmpty()) {
            fail(probe.upstreamError());
        } else if (out.length > 0) {
            handOver();
        } else {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable failure) {
        synchronized (this) {
            if (handedOver) {
                failed = failure;
                drain();
                return;
            }
        }
        emitter.fail(failure);
    }

    @Override
    public void onComplete() {
        synchronized (this) {
            if (handedOver) {
                completed = true;
                drain();
                return;
            }
        }
        emitter.fail(GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                "The upstream stream ended before its first event.", "upstream_empty_stream"));
    }

    private void fail(GatewayError error) {
        subscription.cancel();
        emitter.fail(error);
    }

    private void handOver() {
        synchronized (this) {
            handedOver = true;
        }
        Multi<byte[]> body = Multi.createFrom().publisher(subscriber -> {
            synchronized (this) {
                downstream = subscriber;
            }
            subscriber.onSubscribe(this);
        });
        emitter.complete(upstream.withBody(body));
    }

    private synchronized void abandonIfUndecided() {
        if (!handedOver && subscription != null) {
            subscription.cancel();
        }
    }

    // the subscription the client side sees

    @Override
    public synchronized void request(long n) {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        drain();
    }

    @Override
    public void cancel() {
        subscription.cancel();
    }

    /** Replays what was read while peeking, then passes demand upstream; ends once the replay is out. */
    private synchronized void drain() {
        while (demand > 0 && !replay.isEmpty()) {
            demand--;
            downstream.onNext(replay.poll());
        }
        if (!replay.isEmpty() || downstream == null || terminated) {
            return;
        }
        if (failed != null || completed) {
            terminated = true;
            if (failed != null) {
                downstream.onError(failed);
            } else {
                downstream.onComplete();
            }
        } else if (demand > outstanding) {
            long want = demand - outstanding;
            outstanding += want;
            subscription.request(want);
        }
    }
}
