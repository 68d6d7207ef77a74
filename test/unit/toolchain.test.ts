// Checks the toolchain promise the README makes: npm scripts run on the Lambda runtime's Node major.
import { describe, expect, it } from 'vitest';

describe('toolchain', () => {
  it('runs on Node 24, the nodejs24.x Lambda runtime', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
  });
});
