// The README lists every runtime setting with its meaning and default (issue 13 §2): its table between
// the settings-table markers is the one rendered from the catalog. APSYNC_UPDATE_README=1 rewrites it.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { settingsCatalog } from '../../shared/settings/catalog.ts';
import { readmeTableEnd, readmeTableStart, settingsReadmeTable } from '../../shared/settings/readme-table.ts';

const readmePath = new URL('../../README.md', import.meta.url);

/** A markdown table's rows as trimmed cells (the README's formatter pads the columns). */
const cells = (table: string): string[][] =>
  table
    .trim()
    .split('\n')
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, '')
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim())
        .map((cell) => (/^-+$/.test(cell) ? '---' : cell)),
    );

describe('README settings table', () => {
  it('is the catalog, every setting with its meaning and default', () => {
    const readme = readFileSync(readmePath, 'utf8');
    const start = readme.indexOf(readmeTableStart);
    const end = readme.indexOf(readmeTableEnd);
    expect(start, 'the README has the settings-table markers').toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const table = readme.slice(start + readmeTableStart.length, end).trim();
    const expected = settingsReadmeTable();
    if (
      process.env.APSYNC_UPDATE_README === '1' &&
      JSON.stringify(cells(table)) !== JSON.stringify(cells(expected))
    ) {
      writeFileSync(
        readmePath,
        `${readme.slice(0, start + readmeTableStart.length)}\n${expected}\n${readme.slice(end)}`,
      );
      return;
    }
    expect(
      cells(table),
      'run APSYNC_UPDATE_README=1 npx vitest run test/unit/settings-readme.test.ts, then npx biome check --write README.md',
    ).toEqual(cells(expected));
    expect(cells(table).map((row) => row[0])).toEqual([
      'setting',
      '---',
      ...settingsCatalog.map((setting) => `\`${setting.name}\``),
    ]);
  });
});
