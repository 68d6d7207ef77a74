// The CDK app (cdk.json: `node infra/cdk/app.ts`, Node 24 strips the types): reads the `apsync`
// configuration from context, builds both stacks, and registers cdk-nag's AwsSolutions and Serverless
// packs so `cdk synth` fails on any unacknowledged finding.
import { App } from 'aws-cdk-lib';
import { applyNagPacks, buildApp } from './build-app.ts';
import { ConfigurationError, readConfiguration } from './config.ts';

const app = new App();

try {
  const context = app.node.getAllContext() as Record<string, unknown>;
  const config = readConfiguration((key) => context[key], Object.keys(context));
  const built = buildApp(app, { config });
  for (const note of built.notes) process.stderr.write(`apsync: ${note}\n`);
  applyNagPacks(app);
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigurationError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
