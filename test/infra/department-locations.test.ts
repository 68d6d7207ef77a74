// The department location mapping (issue 13 §5) from cdk.json to the functions: procurify.departmentLocations
// is validated at synth (naming the key) and reaches the functions as APSYNC_DEPARTMENT_LOCATIONS, read
// back by readSettings to the same mapping.
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, parseConfiguration, readConfiguration } from '../../infra/cdk/config.ts';
import { readSettings } from '../../shared/config/environment.ts';
import { settingNames } from '../../shared/resources.ts';
import {
  buildTestApp,
  type CfnTemplate,
  functionLogicalId,
  resourceById,
  testConfiguration,
} from './synthesis.ts';

function inboundWorkerVariables(config = testConfiguration): Record<string, string> {
  const { built } = buildTestApp({ config, skipBundling: true });
  const template = Template.fromStack(built.service).toJSON() as CfnTemplate;
  const fn = resourceById(template, functionLogicalId(template, 'apsync-inbound-worker'));
  return (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
}

describe('procurify.departmentLocations', () => {
  it('reaches the functions as subsidiary:location pairs that readSettings reads back', () => {
    const config = parseConfiguration({
      ...testConfiguration,
      procurify: { domain: 'acme', departmentLocationId: 7, departmentLocations: { '1': 3, '2': '5' } },
    });
    const variables = inboundWorkerVariables(config);
    expect(variables[settingNames.departmentLocations]).toBe('1:3,2:5');
    expect(variables[settingNames.departmentLocationId]).toBe('7');
    expect(readSettings(variables)).toMatchObject({
      departmentLocationId: 7,
      departmentLocations: { '1': 3, '2': 5 },
    });
  });

  it('sets no variable without a mapping', () => {
    expect(inboundWorkerVariables()).not.toHaveProperty(settingNames.departmentLocations);
  });

  it('takes the mapping from the command line, and refuses a bad one naming the key', () => {
    const read = (value: string) => {
      const context: Record<string, unknown> = {
        apsync: { prefix: 'apsync' },
        'apsync.procurify.departmentLocations': value,
      };
      return readConfiguration((key) => context[key], Object.keys(context));
    };
    expect(read('1:3, 2:5').procurify.departmentLocations).toEqual({ '1': 3, '2': 5 });
    expect(read('{"4": 9}').procurify.departmentLocations).toEqual({ '4': 9 });
    expect(() => read('1=3')).toThrow(ConfigurationError);
    expect(() => read('1=3')).toThrow(
      /apsync\.procurify\.departmentLocations: must be subsidiary:location pairs of internal ids separated by commas, like 1:3,2:5 \(got "1=3"\)/,
    );
    expect(() => read('1:3,1:4')).toThrow(/names subsidiary 1 twice/);
  });
});
