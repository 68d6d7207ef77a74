// The state store contract (test/support/in-memory/state-store-contract.ts) against the in-memory store.
import { beforeEach } from 'vitest';
import { ManualClock } from '../support/in-memory/clock.ts';
import { InMemoryStateStore } from '../support/in-memory/state-store.ts';
import type { ContractSubject } from '../support/in-memory/state-store-contract.ts';
import { stateStoreContract } from '../support/in-memory/state-store-contract.ts';

let subject: ContractSubject;
beforeEach(() => {
  const clock = new ManualClock();
  subject = { store: new InMemoryStateStore(clock.now), clock };
});

stateStoreContract('in memory', () => subject);
