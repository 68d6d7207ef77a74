// `apsync preview <record>`: a dry run — the exact body a sync would write for the record now, where to,
// and whether it passes validation, without writing anything. The decision is shared with the console's
// record page (shared/preview/preview-record.ts); this names the record and renders the answer.

import { netSuiteTransactionReads } from '../../../shared/preview/netsuite-transaction-reads.ts';
import {
  type PreviewSources,
  previewRecord as planNextWrite,
} from '../../../shared/preview/preview-record.ts';
import { withInitialBillSettings } from '../../../shared/settings/settings-store.ts';
import type { RecordRef } from '../../../shared/state/model.ts';
import type { PreviewOutput } from '../output-schemas.ts';
import { formatRecord } from '../record-syntax.ts';
import type { CliServices } from '../services.ts';

export async function previewRecord(services: CliServices, ref: RecordRef): Promise<PreviewOutput> {
  const record = formatRecord(ref);
  const sources: PreviewSources = {
    // The bill settings as the worker reads them (cdk.json's initial ones under the stored ones).
    state: withInitialBillSettings(services.state, (await services.settings()).initialSettings),
    settings: () => services.settings(),
    syncClients: () => services.syncClients(),
    transactionReads: netSuiteTransactionReads(() => services.syncClients()),
    defaultPaymentMode: services.target.defaultPaymentMode,
  };
  return { record, ref, ...(await planNextWrite(sources, ref, record)) };
}

export function renderPreview(output: PreviewOutput): string {
  const lines = [`${output.record}: ${output.outcome}${output.reason ? ` — ${output.reason}` : ''}`];
  if (output.target !== null) {
    lines.push(
      `  ${output.target.method} ${output.target.path} (${output.target.system === 'netsuite' ? 'NetSuite' : 'Procurify'} ${output.target.kind}${output.target.id === null ? ', new' : ` ${output.target.id}`})`,
    );
  }
  if (output.payload !== null) {
    lines.push(
      '  body:',
      ...JSON.stringify(output.payload, null, 2)
        .split('\n')
        .map((line) => `    ${line}`),
    );
  }
  lines.push(
    output.validation.valid
      ? '  validation: passes'
      : `  validation: fails — ${output.validation.issues.join('; ')}`,
  );
  for (const note of output.notes) lines.push(`  note: ${note}`);
  lines.push('  (dry run: nothing was written)');
  return `${lines.join('\n')}\n`;
}
