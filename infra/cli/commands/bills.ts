// `apsync bills import-links <file>`: links Vendor Bills an older integration pushed to their Procurify
// bills, from a CSV file (SPEC F3), through shared/bills/import-bill-links.ts: every line is checked
// against NetSuite first; bad lines are reported with their line number and not imported.
import { readFile } from 'node:fs/promises';
import { importBillLinks } from '../../../shared/bills/import-bill-links.ts';
import { createNetSuiteBillLookups } from '../../../shared/bills/netsuite-bill-lookups.ts';
import type { BillLinkImportOutput } from '../output-schemas.ts';
import type { CliServices } from '../services.ts';

export async function importLinks(services: CliServices, file: string): Promise<BillLinkImportOutput> {
  const text = await readFile(file, 'utf8');
  const netsuite = await services.netsuite();
  const result = await importBillLinks(text, {
    state: services.state,
    lookups: createNetSuiteBillLookups(netsuite.suiteQl),
  });
  return { file, imported: result.imported, alreadyLinked: result.alreadyLinked, errors: result.errors };
}

export function renderImportLinks(output: BillLinkImportOutput): string {
  const lines = [
    `${output.file}: ${output.imported} link(s) imported, ${output.alreadyLinked} already there, ${output.errors.length} line(s) refused`,
    ...output.errors.map((error) => `  line ${error.line}: ${error.message}`),
  ];
  return `${lines.join('\n')}\n`;
}
