// The writes of one settings change (change-settings.ts), held back until the change is committed:
// configuration items (read back as written while the change is decided), audit entries and queued
// bills. Committed as one conditional write under the optimistic version of the `settings` item, so
// two operators saving at the same instant cannot overwrite each other: the second one stores nothing
// and is told to retry. Only then are the audit entries written and the bills sent.
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import type { BillMessage } from '../events/bill-message.ts';
import type { RecordRef } from '../state/model.ts';
import type { AuditTrail, ConfigStore, VersionedConfigStore } from '../state/ports.ts';

type AuditInput = Parameters<AuditTrail['append']>[1];

export class PendingSettingsWrites<State extends ConfigStore & AuditTrail & VersionedConfigStore> {
  private readonly state: State;
  private readonly queue: QueuePublisher<BillMessage>;
  private readonly configs = new Map<string, unknown>();
  private readonly audits: Array<{ ref: RecordRef; entry: AuditInput }> = [];
  private readonly messages: BillMessage[] = [];

  constructor(state: State, queue: QueuePublisher<BillMessage>) {
    this.state = state;
    this.queue = queue;
  }

  /** The state as the change sees it: its own configuration writes read back, nothing stored yet. */
  view(): State {
    const pending = this;
    return new Proxy(this.state, {
      get(target, property, receiver) {
        if (property === 'getConfig') {
          return async (name: string) =>
            pending.configs.has(name) ? structuredClone(pending.configs.get(name)) : target.getConfig(name);
        }
        if (property === 'putConfig') {
          return async (name: string, value: unknown) => {
            pending.configs.set(name, structuredClone(value));
          };
        }
        if (property === 'append') {
          return async (ref: RecordRef, entry: AuditInput) => {
            pending.audits.push({ ref, entry });
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** The bill queue as the change sees it: sent at commit. */
  bills(): QueuePublisher<BillMessage> {
    return {
      send: async (message) => {
        this.messages.push(message);
        return { messageId: 'pending' };
      },
      sendAll: async (messages) => {
        this.messages.push(...messages);
      },
    };
  }

  /**
   * Stores every configuration item at once if the guard item is still at `version`; false when
   * another change came first (nothing stored, nothing audited or sent).
   */
  async commit(guard: { name: string; version: number }): Promise<boolean> {
    const items = [...this.configs].map(([name, value]) => ({ name, value }));
    if (!(await this.state.putConfigsAtVersion(guard, items))) return false;
    for (const { ref, entry } of this.audits) await this.state.append(ref, entry);
    if (this.messages.length > 0) await this.queue.sendAll(this.messages);
    return true;
  }
}
