// A fair readers-writer gate for the local DynamoDB: ordinary calls share it, transactions take it
// alone, in arrival order (a waiting transaction is not starved by later calls). Used by dynamodb.ts.
export class ReadWriteGate {
  #shared = 0;
  #exclusive = false;
  readonly #waiting: Array<{ exclusive: boolean; enter: () => void }> = [];

  async run<T>(exclusive: boolean, work: () => Promise<T>): Promise<T> {
    await this.#enter(exclusive);
    try {
      return await work();
    } finally {
      if (exclusive) this.#exclusive = false;
      else this.#shared -= 1;
      this.#admit();
    }
  }

  #enter(exclusive: boolean): Promise<void> {
    return new Promise((enter) => {
      this.#waiting.push({ exclusive, enter });
      this.#admit();
    });
  }

  #admit(): void {
    while (this.#waiting.length > 0 && !this.#exclusive) {
      const next = this.#waiting[0]!;
      if (next.exclusive && this.#shared > 0) return;
      this.#waiting.shift();
      if (next.exclusive) this.#exclusive = true;
      else this.#shared += 1;
      next.enter();
    }
  }
}
