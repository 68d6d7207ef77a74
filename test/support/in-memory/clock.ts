// A clock the in-memory adapters and the use cases share in the `usecase` tests: it stands still until a
// test moves it, so every time a use case writes is known in advance.
export class ManualClock {
  private current: Date;

  constructor(start: string | Date = '2026-11-02T09:00:00.000Z') {
    this.current = new Date(start);
  }

  /** The current time, as the `now: () => Date` the adapters and use cases take. */
  readonly now = (): Date => new Date(this.current);

  advance(seconds: number): Date {
    this.current = new Date(this.current.getTime() + seconds * 1000);
    return this.now();
  }

  set(to: string | Date): Date {
    this.current = new Date(to);
    return this.now();
  }

  iso(): string {
    return this.current.toISOString();
  }
}
