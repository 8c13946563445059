/**
 * A level-triggered wake-up flag for a subscription loop. `notify()` before `wait()` is not
 * lost: the next `wait()` returns at once. Callers `clear()` before reading, so a change that
 * lands during the read wakes the following wait.
 */
export class WakeSignal {
  private pending = false;
  private wakeWaiter: (() => void) | null = null;

  notify(): void {
    this.pending = true;
    this.wakeWaiter?.();
  }

  clear(): void {
    this.pending = false;
  }

  /** Resolves on the next notify, or after `timeoutMs` when given. */
  wait(timeoutMs?: number): Promise<void> {
    if (this.pending) {
      return Promise.resolve();
    }

    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const wake = (): void => {
        if (timer !== undefined) {
          clearTimeout(timer);
        }
        this.wakeWaiter = null;
        resolve();
      };

      this.wakeWaiter = wake;
      if (timeoutMs !== undefined) {
        timer = setTimeout(wake, timeoutMs);
      }
    });
  }
}
