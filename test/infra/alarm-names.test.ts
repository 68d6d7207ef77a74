// The README's alarm table names the alarms as they are deployed: each row, with its placeholders
// (`<prefix>`, `<queue>`, `<function>`, `<poller>`) expanded, names alarms of the synthesized service
// stack, and every alarm of the stack is named by a row.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { queueDefinitions } from '../../shared/resources.ts';
import {
  buildTestApp,
  type CfnTemplate,
  registryWithFixtures,
  resourcesOfType,
  testConfiguration,
} from './synthesis.ts';

let deployed: string[];

beforeAll(() => {
  const { built } = buildTestApp({ skipBundling: true });
  const json = Template.fromStack(built.service).toJSON() as CfnTemplate;
  deployed = resourcesOfType(json, 'AWS::CloudWatch::Alarm').map(([, alarm]) =>
    String(alarm.Properties.AlarmName),
  );
});

function readmeAlarmRows(): string[] {
  const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('| alarm '));
  return [...table.slice(0, table.indexOf('\n\n')).matchAll(/^\| `([^`]+)`/gm)].map((match) => match[1]!);
}

const placeholders: Record<string, readonly string[]> = {
  '<prefix>': [testConfiguration.prefix],
  '<queue>': Object.keys(queueDefinitions),
  '<function>': registryWithFixtures()
    .map((definition) => definition.name)
    .concat('operator-console'),
  '<poller>': ['netsuite-poll', 'procurify-poll', 'paid-bill-pull'],
};

function expand(pattern: string): string[] {
  const placeholder = Object.keys(placeholders).find((name) => pattern.includes(name));
  if (placeholder === undefined) return [pattern];
  return placeholders[placeholder]!.flatMap((value) => expand(pattern.replace(placeholder, value)));
}

describe('README alarm names', () => {
  it('names only deployed alarms, and every deployed alarm', () => {
    const rows = readmeAlarmRows();
    expect(rows.length).toBeGreaterThan(10);
    const named = new Set<string>();
    for (const row of rows) {
      const names = expand(row).filter((name) => deployed.includes(name));
      expect(names, `README row ${row} names no deployed alarm`).not.toEqual([]);
      for (const name of names) named.add(name);
    }
    expect(deployed.filter((name) => !named.has(name))).toEqual([]);
  });
});
