// node:timers/promises for the bundles (infra/cdk/bundling.ts): its exports, not its ES module facade.
module.exports = process.getBuiltinModule('node:timers/promises');
