package dev.spotpack.kube;

import java.util.ArrayDeque;

/**
 * At most {@code slots} binding POSTs in flight; more wait in arrival order, up to {@code waiting}.
 * A bind holds its slot from its start until {@link #release()}, without a thread: the POST is
 * asynchronous, so nothing parks while the API server answers.
 *
 * <p>A waiting bind may decline its turn when it starts (its caller was already answered), and the
 * slot goes to the next one. Starts run on the thread that submits or releases, outside the lock.
 * Thread-safe.
 */
final class BindSlots {
  /** A bind waiting for its slot. */
  interface Start {
    /**
     * @return true if it took the slot (it will call {@link #release()} once done), false if it
     *     declined (the slot passes on)
     */
    boolean start();
  }

  private final int slots;
  private final int waitingCapacity;
  private final ArrayDeque<Start> waiting = new ArrayDeque<>();
  private int running;

  BindSlots(int slots, int waitingCapacity) {
    this.slots = slots;
    this.waitingCapacity = waitingCapacity;
  }

  /**
   * Starts {@code bind} now if a slot is free, or queues it.
   *
   * @return false if every slot is taken and the queue is full: nothing was started or queued
   */
  boolean submit(Start bind) {
    synchronized (this) {
      if (running >= slots) {
        if (waiting.size() >= waitingCapacity) {
          return false;
        }
        waiting.add(bind);
        return true;
      }
      running++;
    }
    if (!bind.start()) {
      release();
    }
    return true;
  }

  /** Frees the caller's slot for the next waiting bind that takes it. */
  void release() {
    while (true) {
      Start next;
      synchronized (this) {
        next = waiting.poll();
        if (next == null) {
          running--;
          return;
        }
      }
      if (next.start()) {
        return;
      }
    }
  }

  /** Binds holding a slot. */
  synchronized int running() {
    return running;
  }

  /** Binds waiting for a slot. */
  synchronized int waiting() {
    return waiting.size();
  }
}
