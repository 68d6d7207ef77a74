// The reconciliation report as CSV, for an accountant to attach to a month-end close: a heading block
// ("reconciled as of", areas, whether --fix ran), counts by area and kind, then every discrepancy with
// both values, who owns it, the action and what was repaired. RFC 4180 quoting; pure.
import type { ReconcileReport } from './model.ts';

const cell = (value: string | number | boolean | null | undefined): string => {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // Quoted when needed; a leading =, +, - or @ is prefixed so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

const line = (cells: ReadonlyArray<string | number | boolean | null | undefined>): string =>
  `${cells.map(cell).join(',')}\r\n`;

export const reportColumns = [
  'area',
  'kind',
  'netsuite id',
  'procurify id',
  'field',
  'netsuite value',
  'procurify value',
  'owner',
  'action',
  'repair',
  'repair detail',
  'what to do',
] as const;

export function reconcileReportCsv(report: ReconcileReport): string {
  let out = line(['apsync reconciliation report']);
  out += line(['reconciled as of', report.reconciledAsOf]);
  out += line(['finished at', report.finishedAt]);
  out += line(['compared', report.areas.join(' ')]);
  out += line(['repairs of bills and payments', report.fix ? 'done (--fix)' : 'not done (without --fix)']);
  out += line([
    'discrepancies',
    report.totals.discrepancies,
    'repaired',
    report.totals.repaired,
    'open',
    report.totals.open,
  ]);
  out += '\r\n';
  out += line(['area', 'records compared', 'kind', 'count']);
  for (const area of report.areas) {
    const kinds = Object.entries(report.counts[area] ?? {});
    if (kinds.length === 0) out += line([area, report.checked[area] ?? 0, 'none', 0]);
    for (const [kind, count] of kinds) out += line([area, report.checked[area] ?? 0, kind, count]);
  }
  out += '\r\n';
  out += line([...reportColumns]);
  for (const found of report.discrepancies) {
    out += line([
      found.area,
      found.kind,
      found.netsuiteId,
      found.procurifyId,
      found.field,
      found.netsuiteValue,
      found.procurifyValue,
      found.owner,
      found.action,
      found.repair?.status ?? (found.action === 'none' ? 'by hand' : ''),
      found.repair?.detail,
      found.message,
    ]);
  }
  return out;
}
