// `apsync audit <record>`: a record's audit trail, oldest first, with its current sync state and link;
// `apsync audit settings[:<name>]` (or `settings:history`): the setting changes, oldest first, with who,
// when, through what, and the value before and after (shared/settings/settings-store.ts history).
import { settingDefinition, settingValueText } from '../../../shared/settings/catalog.ts';
import { readHistory } from '../../../shared/settings/settings-store.ts';
import type { RecordRef, RecordState } from '../../../shared/state/model.ts';
import type { AuditOutput, SettingsAuditOutput } from '../output-schemas.ts';
import { formatRecord } from '../record-syntax.ts';
import type { CliServices } from '../services.ts';
import { orDash, table } from '../terminal.ts';

export async function auditRecord(services: CliServices, ref: RecordRef): Promise<AuditOutput> {
  const [state, link, entries] = await Promise.all([
    services.state.getState(ref),
    services.state.findBySource(ref.system, ref.kind, ref.id),
    services.state.read(ref),
  ]);
  return {
    record: formatRecord(ref),
    ref,
    state: state === undefined ? null : stateView(state),
    link:
      link === undefined
        ? null
        : {
            netsuiteId: link.netsuiteId,
            procurifyId: link.procurifyId,
            origin: link.origin,
            linkedAt: link.linkedAt,
          },
    entries: entries.map((entry) => ({
      at: entry.at,
      step: entry.step,
      ...(entry.message === undefined ? {} : { message: entry.message }),
      ...(entry.facts === undefined ? {} : { facts: entry.facts }),
    })),
  };
}

/** A stored state as the CLI shows it (only the fields of the output schema). */
export function stateView(state: RecordState) {
  return {
    record: formatRecord(state.ref),
    ref: { system: state.ref.system, kind: state.ref.kind, id: state.ref.id },
    status: state.status,
    ...(state.message === undefined ? {} : { message: state.message }),
    ...(state.errorClass === undefined ? {} : { errorClass: state.errorClass }),
    ...(state.waitingFor === undefined ? {} : { waitingFor: [...state.waitingFor] }),
    ...(state.sourceModified === undefined ? {} : { sourceModified: state.sourceModified }),
    updatedAt: state.updatedAt,
  };
}

export function renderAudit(output: AuditOutput, width?: number): string {
  const lines = [`${output.record} (${output.ref.system} ${output.ref.kind} ${output.ref.id})`];
  lines.push(
    output.state === null
      ? '  state: none recorded'
      : `  state: ${output.state.status} at ${output.state.updatedAt}${output.state.message ? ` — ${output.state.message}` : ''}`,
  );
  if (output.state?.waitingFor?.length) lines.push(`  waiting for: ${output.state.waitingFor.join(', ')}`);
  lines.push(
    output.link === null
      ? '  link: none'
      : `  link: NetSuite ${output.link.netsuiteId} ↔ Procurify ${output.link.procurifyId} (${output.link.origin}, ${output.link.linkedAt})`,
  );
  if (output.entries.length === 0) return `${lines.join('\n')}\n  no audit entries\n`;
  const rows = output.entries.map((entry) => [
    entry.at,
    entry.step,
    orDash(entry.message),
    entry.facts === undefined
      ? '-'
      : Object.entries(entry.facts)
          .map(([key, value]) => `${key}=${value}`)
          .join(' '),
  ]);
  return `${lines.join('\n')}\n\n${table(['at', 'step', 'message', 'facts'], rows, width)}`;
}

/** `settings`, `settings:history` or `settings:<name>`: the settings' change history, not a record. */
export function settingsAuditName(text: string): { name?: string } | undefined {
  const match = /^settings(?::(.+))?$/.exec(text.trim());
  if (match === null) return undefined;
  const name = match[1];
  if (name === undefined || name === 'history') return {};
  settingDefinition(name);
  return { name };
}

export async function auditSettings(services: CliServices, name?: string): Promise<SettingsAuditOutput> {
  const history = await readHistory(services.state);
  return {
    record: `settings:${name ?? 'history'}`,
    changes: history
      .filter((change) => name === undefined || change.name === name)
      .reverse()
      .map((change) => ({
        at: change.at,
        name: change.name,
        by: change.by,
        via: change.via,
        previous: change.previous ?? null,
        ...(change.previousSource === undefined ? {} : { previousSource: change.previousSource }),
        value: change.value ?? null,
      })),
  };
}

export function renderSettingsAudit(output: SettingsAuditOutput, width?: number): string {
  if (output.changes.length === 0) return `${output.record}\n  no setting changes recorded\n`;
  const rows = output.changes.map((change) => [
    change.at,
    change.name,
    `${change.by} (${change.via})`,
    `${settingValueText(change.previous)}${
      change.previousSource === undefined || change.previousSource === 'operator'
        ? ''
        : ` (${change.previousSource === 'deployment' ? 'cdk.json' : 'default'})`
    }`,
    settingValueText(change.value),
  ]);
  return `${output.record}\n\n${table(['at', 'setting', 'by', 'old value', 'new value'], rows, width)}`;
}
