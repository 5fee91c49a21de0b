package org.cybexp.input.delivery.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Shares fsyncs between appends that wait at the same time, in one outbox or in many (the delivery service
 * gives all its outboxes one). An append writes its bytes, then waits here: if no fsync runs, it runs one
 * itself for everything written so far, in every outbox that has appends waiting; if one runs, it waits for it
 * and the next fsync covers its bytes together with those of every append that came meanwhile. So the more
 * appends (threads of a listener, inputs) store at once, the more share an fsync, and a single appender pays
 * exactly one fsync as before.
 */
public final class GroupCommit {

    /** One append's bytes, waiting to be durable. */
    private static final class Request {
        final SegmentFile file;
        final SegmentFile.Written written;
        boolean done; // guarded by GroupCommit.this
        IOException failure; // written by the syncing thread before done

        Request(SegmentFile file, SegmentFile.Written written) {
            this.file = file;
            this.written = written;
        }
    }

    // guarded by this
    private List<Request> queue = new ArrayList<>();
    private boolean syncing;
    private long fsyncs;

    /** Returns once the bytes of {@code written} are on disk. @throws IOException if the fsync failed */
    void await(SegmentFile file, SegmentFile.Written written) throws IOException {
        Request mine = new Request(file, written);
        List<Request> batch;
        boolean interrupted = false;
        synchronized (this) {
            queue.add(mine);
            while (!mine.done && syncing) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // an append is not given up half way: its caller decides after
                }
            }
            if (!mine.done) {
                syncing = true; // this thread syncs for everyone queued
                batch = queue;
                queue = new ArrayList<>();
            } else {
                batch = List.of();
            }
        }
        if (!batch.isEmpty()) {
            syncAll(batch);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (mine.failure != null) {
            throw new IOException(mine.failure.getMessage(), mine.failure);
        }
    }

    /** How many fsyncs the appends needed so far (for tests and benchmarks). */
    public synchronized long fsyncs() {
        return fsyncs;
    }

    private void syncAll(List<Request> batch) {
        // furthest first: its fsync covers every other append waiting in the same file, which then returns at once
        List<Request> ordered = new ArrayList<>(batch);
        ordered.sort(Comparator.comparingLong((Request r) -> r.written.end()).reversed());
        int synced = 0;
        for (Request request : ordered) {
            try {
                synced += request.file.sync(request.written) ? 1 : 0;
            } catch (IOException e) {
                request.failure = e;
            }
        }
        synchronized (this) {
            batch.forEach(request -> request.done = true);
            fsyncs += synced;
            syncing = false;
            notifyAll();
        }
    }
}
