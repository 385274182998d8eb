/**
 * Debounced, serialised runs of one task: at most one run at a time; a request that arrives
 * while a run is in progress causes exactly one more run after it.
 */
export class Debouncer {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private rerun = false;
  private disposed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly task: () => Promise<void> | void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Run the task after `delayMs` of quiet (a new call restarts the delay). */
  schedule(delayMs: number): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.start();
    }, delayMs);
  }

  /** Nothing scheduled and nothing running. */
  get idle(): boolean {
    return this.timer === undefined && !this.running;
  }

  /** Resolves true once idle, or false after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.idle) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = () => {
        clearTimeout(timeout);
        resolve(true);
      };
      const timeout = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.idleWaiters.push(waiter);
    });
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.notifyIdle();
  }

  private start(): void {
    if (this.running) {
      this.rerun = true;
      return;
    }
    // Set before the loop starts: a task that throws synchronously finishes the loop at once.
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.rerun = false;
        try {
          await this.task();
        } catch (error) {
          this.onError(error);
        }
      } while (this.rerun && !this.disposed);
    } finally {
      // Cleared in the same tick as the loop's last check, so a concurrent start() cannot be lost.
      this.running = false;
      if (this.timer === undefined) this.notifyIdle();
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
