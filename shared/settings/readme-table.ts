// The README's table of runtime settings, rendered from the catalog (catalog.ts) so the two cannot
// drift: test/unit/settings-readme.test.ts compares it with the README's section between the
// `settings-table` markers (APSYNC_UPDATE_README=1 writes it).
import { initialKey, settingsCatalog } from './catalog.ts';

export const readmeTableStart = '<!-- settings-table:start (generated from shared/settings/catalog.ts) -->';
export const readmeTableEnd = '<!-- settings-table:end -->';

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function settingsReadmeTable(): string {
  const rows = settingsCatalog.map(
    (setting) =>
      `| \`${setting.name}\` | ${cell(setting.meaning)} | ${cell(setting.defaultText)} | \`${initialKey(setting)}\` |`,
  );
  return [
    '| setting | meaning | default | initial value from cdk.json |',
    '| ------- | ------- | ------- | --------------------------- |',
    ...rows,
  ].join('\n');
}
