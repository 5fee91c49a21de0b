package org.cybexp.input.delivery.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Shares fsyncs between appends to one outbox that wait at the same time (a listener storing from several
 * threads). An append writes its bytes, then waits here: if no fsync runs, it runs one itself for everything
 * written so far; if one runs, it waits for it and the next fsync covers its bytes together with those of every
 * append that came meanwhile. So the more appends store at once, the more share an fsync, and a single appender
 * pays exactly one fsync as before. Each outbox has its own: fsyncs of different files cannot be merged, and
 * run by one thread they would queue behind each other, while run at once the file system's journal commits
 * them together (measured: one shared instance for 4 inputs cut their appends from ~10,000/s to ~1,500/s).
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
