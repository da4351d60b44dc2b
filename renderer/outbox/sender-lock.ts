/**
 * One outbox sender per origin. Every tab of the workstation shares one IndexedDB, so two tabs
 * that each drained the outbox would claim each other's rows: a tab's start used to put every
 * `sending` row back in the queue, including the rows another tab had in flight, and each of
 * them went twice. The tab that holds the sender lock is the only one that sends, and the only
 * one that recovers `sending` rows: it takes them over from a sender that is gone (the lock is
 * let go when its page closes, reloads or crashes). Other tabs wait in line for the lock and
 * wake the sender through a broadcast when they queue something.
 *
 * Both are small interfaces so that unit tests (Node, fake-indexeddb) can supply fakes; the
 * page uses the browser's Web Locks and BroadcastChannel.
 */

/** The origin's sender lock. */
export interface SenderLock {
  /** Takes the lock if no page holds it; true when this page holds it now (until `release`). */
  tryAcquire(): Promise<boolean>;
  /** Waits in line for the lock (another page holds it) and calls `onHeld` once this page holds it. */
  queue(onHeld: () => void): void;
  /** Lets the lock go, or leaves the line. */
  release(): void;
}

/** What a tab says to the sender: something was queued (`now`: send whatever the backoff). */
export interface OutboxWake {
  now: boolean;
}

/** The tabs' wake-up channel. */
export interface WakeChannel {
  /** Tells the other tabs (not this one). */
  post(message: OutboxWake): void;
  /** Hears the other tabs; returns how to stop. */
  listen(onWake: (message: OutboxWake) => void): () => void;
}

/** The name of the workstation's sender lock and wake-up channel (one per origin). */
export const OUTBOX_SENDER = 'e-licence-workstation:outbox-sender';

/** The sender lock on the browser's Web Locks (`navigator.locks`): let go by the browser when the page goes. */
export function webSenderLock(locks: LockManager, name = OUTBOX_SENDER): SenderLock {
  let letGo: (() => void) | null = null;
  let line: AbortController | null = null;
  // The lock is held as long as the promise its callback returns is pending.
  const hold = () =>
    new Promise<void>((resolve) => {
      letGo = resolve;
    });
  return {
    tryAcquire() {
      return new Promise<boolean>((resolve, reject) => {
        locks
          .request(name, { ifAvailable: true }, (lock) => {
            resolve(lock !== null);
            return lock ? hold() : undefined;
          })
          .catch(reject);
      });
    },
    queue(onHeld) {
      line = new AbortController();
      locks
        .request(name, { signal: line.signal }, () => {
          line = null;
          const held = hold();
          onHeld();
          return held;
        })
        // Aborted by release() while waiting: nothing to do.
        .catch(() => undefined);
    },
    release() {
      letGo?.();
      letGo = null;
      line?.abort();
      line = null;
    },
  };
}

/** The wake-up channel on a BroadcastChannel (which never delivers to the tab that posts). */
export function broadcastWakeChannel(name = OUTBOX_SENDER): WakeChannel {
  const channel = new BroadcastChannel(name);
  return {
    post(message) {
      channel.postMessage(message);
    },
    listen(onWake) {
      const handler = (event: MessageEvent) => {
        const data = event.data as Partial<OutboxWake> | null;
        onWake({ now: data?.now === true });
      };
      channel.addEventListener('message', handler);
      return () => channel.removeEventListener('message', handler);
    },
  };
}
